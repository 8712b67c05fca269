"""The indicator catalogue: its data file, its loader and its phrase matcher.

The matcher cases are short phrases written for this project in the style of
district reports. Each `GOLD_CASES` row stands for one fact of the hand-labelled
seed set (figures from the seed articles 000-004, wording our own); each
`SAMPLE_CASES` row for an indicator the sample texts report (s001-s030).
"""

import pytest

from cds_analysis.lang.text import fold, normalize
from cds_analysis.reference import indicators as ind
from cds_analysis.reference.schemas import INDICATORS
from cds_analysis.rules import naming

# Every indicator_en code of the gold set (seeds_gold.jsonl and its README's vocabulary).
GOLD_CODES = {
    "online_dossier_rate",
    "full_process_online_dossier_rate",
    "digital_signature_rate",
    "e_documents_count",
    "e_documents_rate",
    "community_tech_teams",
    "community_tech_team_members",
    "online_public_services_count",
    "online_payment_rate",
    "online_payment_count",
    "online_payment_amount",
    "work_records_online_rate",
    "video_conference_points",
    "broadband_coverage",
    "mobile_coverage",
    "dossiers_online_count",
    "dossiers_received_count",
    "official_email_accounts",
    "document_software_accounts",
    "e_id_rate",
    "smartphone_info_reach_rate",
    "communes_completed_dx",
    "dx_criteria_met",
    "digital_economy_share_grdp",
    "enterprises_dx_share",
    "dti_rank",
    "steering_committee_rate",
    "software_adoption_rate",
    "communes_dx_assessed",
    "districts_completed_dx",
    "zalo_groups",
    "e_invoice_rate",
    "village_wifi_coverage",
    "one_stop_system_dossier_rate",
    "online_public_services_rate",
    "online_public_services_level3_count",
    "online_public_services_level4_count",
    "digital_signature_count",
    "digital_signature_org_count",
    "digital_signature_org_rate",
    "computer_internet_rate",
    "directive_docs_published_rate",
    "official_email_rate",
    "dx_staff_assigned_rate",
    "community_tech_team_coverage_rate",
    "tthc_published_online_rate",
    "document_software_interconnection_rate",
    "residents_guided_per_team_member",
}

# The units the gold set gives these codes.
GOLD_UNITS = {"dx_criteria_met": "criteria", "dti_rank": "rank", "online_payment_amount": "vnd"}
GOLD_COUNTS = {
    "communes_completed_dx",
    "communes_dx_assessed",
    "zalo_groups",
    "districts_completed_dx",
    "village_wifi_coverage",
    "video_conference_points",
    "e_documents_count",
    "digital_signature_count",
    "digital_signature_org_count",
    "document_software_accounts",
    "official_email_accounts",
    "dossiers_online_count",
    "dossiers_received_count",
    "community_tech_teams",
    "community_tech_team_members",
    "residents_guided_per_team_member",
    "online_public_services_count",
    "online_public_services_level3_count",
    "online_public_services_level4_count",
    "online_payment_count",
}

# Count entries that do not add up across units, and why.
NOT_SUMMED = {
    "residents_guided_per_team_member": "a per-member quota",
    "dx_targets_completed": "targets of different plans",
    "dx_tasks_completed": "tasks of different plans",
    "project06_tasks_completed": "each province's Project 06 plan has its own tasks",
}

# Rate entries that do not roll up as denominator-weighted means, and why.
NOT_WEIGHTED = {
    "dti_score": "a score: plain mean",
    "labour_productivity_growth": "a growth rate: plain mean",
    "digital_economy_share_each_sector": "a floor every sector must reach: no roll-up",
}

# (context around the number, unit, unit word after the number or None, expected code)
GOLD_CASES = [
    # 000 Thanh Hóa, Yên Định, Như Xuân
    (
        "năm nay tỉnh đặt chỉ tiêu hoàn thành chuyển đổi số tại",
        "count",
        "xã, phường, thị trấn",
        "communes_completed_dx",
    ),
    (
        "trong quý I huyện sẽ tổ chức đánh giá mức độ hoàn thành chuyển đổi số đối với",
        "count",
        "đơn vị cấp xã",
        "communes_dx_assessed",
    ),
    (
        "huyện tập trung chỉ đạo các xã được tỉnh giao hoàn thành chuyển đổi số trong năm",
        "count",
        "xã",
        "communes_completed_dx",
    ),
    ("năm 2022 xã đã đạt", "criteria", "tiêu chí chuyển đổi số cấp xã", "dx_criteria_met"),
    ("để trao đổi với bà con, xã lập", "count", "nhóm Zalo", "zalo_groups"),
    (
        "huyện áp dụng hóa đơn điện tử đối với doanh nghiệp, hộ kinh doanh trên địa bàn, đạt",
        "percent",
        None,
        "e_invoice_rate",
    ),
    ("đến năm 2025 tỉnh vào nhóm địa phương dẫn đầu cả nước về chuyển đổi số, trong top", "rank", None, "dti_rank"),
    ("tỷ trọng kinh tế số trong GRDP của tỉnh đạt từ", "percent", None, "digital_economy_share_grdp"),
    (
        "doanh nghiệp chuyển đổi số so với số doanh nghiệp có phát sinh thuế chiếm",
        "percent",
        None,
        "enterprises_dx_share",
    ),
    ("đến năm 2025 có ít nhất", "count", "huyện, thị xã, thành phố hoàn thành chuyển đổi số", "districts_completed_dx"),
    ("cùng với đó là", "count", "xã, phường, thị trấn được công nhận hoàn thành CĐS", "communes_completed_dx"),
    # 001 Thăng Bình
    ("sóng di động 3G, 4G đã phủ toàn huyện với tỷ lệ", "percent", None, "mobile_coverage"),
    ("tỷ lệ thôn được kết nối internet băng thông rộng là", "percent", None, "broadband_coverage"),
    (
        "tỷ lệ sử dụng phần mềm quản lý văn bản và điều hành Q.Office trong các cơ quan đạt",
        "percent",
        None,
        "software_adoption_rate",
    ),
    ("xã đã lắp Wi-Fi miễn phí tại nhà văn hóa của", "count", "thôn", "village_wifi_coverage"),
    (
        "cuối năm phấn đấu khoảng",
        "percent",
        "dân số được nhận thông tin qua điện thoại thông minh",
        "smartphone_info_reach_rate",
    ),
    (
        "hồ sơ của người dân được tiếp nhận, chuyển xử lý và trả qua phần mềm một cửa điện tử đạt",
        "percent",
        None,
        "one_stop_system_dossier_rate",
    ),
    ("huyện đã lắp đặt", "count", "hệ thống hội nghị truyền hình cho các xã", "video_conference_points"),
    # 002 Hoằng Hóa
    ("TTHC được cung cấp dưới dạng DVCTT mức độ 3 và 4 đạt", "percent", None, "online_public_services_rate"),
    ("tổng số văn bản gửi đi trên phần mềm TDoffice đến cuối tháng 5 là", "count", "văn bản", "e_documents_count"),
    ("trong số đó có", "count", "văn bản mang chữ ký số của lãnh đạo", "digital_signature_count"),
    ("văn bản được lãnh đạo ký số, chiếm tỷ lệ", "percent", None, "digital_signature_rate"),
    ("bên cạnh đó có", "count", "văn bản mang chữ ký số cơ quan", "digital_signature_org_count"),
    ("văn bản ký số tập thể chiếm", "percent", None, "digital_signature_org_rate"),
    ("quý II, tỷ lệ hồ sơ TTHC cấp huyện nộp trực tuyến đạt", "percent", None, "online_dossier_rate"),
    ("tỷ lệ hồ sơ được nộp trực tuyến toàn trình ở cấp huyện đạt", "percent", None, "full_process_online_dossier_rate"),
    ("ở cấp xã, hồ sơ tiếp nhận trực tuyến chiếm tỷ lệ", "percent", None, "online_dossier_rate"),
    ("hồ sơ toàn trình của cấp xã chiếm", "percent", None, "full_process_online_dossier_rate"),
    # 003 Đồng Xuân
    ("máy tính tại các cơ quan hành chính được kết nối internet đạt", "percent", None, "computer_internet_rate"),
    (
        "đến nay toàn huyện đã cấp",
        "count",
        "tài khoản trên phần mềm quản lý văn bản điều hành",
        "document_software_accounts",
    ),
    ("huyện đã tạo", "count", "hộp thư điện tử công vụ cho cán bộ, công chức", "official_email_accounts"),
    (
        "văn bản điện tử trao đổi giữa các cơ quan nhà nước đã được ký số, đạt",
        "percent",
        None,
        "digital_signature_rate",
    ),
    (
        "hồ sơ TTHC được cập nhật đầy đủ lên hệ thống thông tin giải quyết TTHC, đạt",
        "percent",
        None,
        "one_stop_system_dossier_rate",
    ),
    ("năm 2023 huyện tiếp nhận", "count", "hồ sơ trực tuyến trên tổng số hồ sơ", "dossiers_online_count"),
    ("hồ sơ nộp trực tuyến trên tổng số hồ sơ, đạt tỷ lệ", "percent", None, "online_dossier_rate"),
    (
        "các xã, thị trấn cung cấp dịch vụ công trực tuyến với tỷ lệ trên",
        "percent",
        None,
        "online_public_services_rate",
    ),
    ("tỷ lệ hồ sơ có thanh toán trực tuyến phí, lệ phí đạt hơn", "percent", None, "online_payment_rate"),
    # 004 Quảng Ngãi: launch event, Trà Bồng
    (
        "lễ phát động được kết nối tới",
        "count",
        "điểm cầu đặt tại UBND các huyện, thị xã, thành phố",
        "video_conference_points",
    ),
    ("lễ phát động được kết nối tới 13 điểm cầu cấp huyện và", "count", "điểm cầu cấp xã", "video_conference_points"),
    ("trong 6 tháng đầu năm, UBND huyện phát hành", "count", "văn bản đi điện tử", "e_documents_count"),
    ("văn bản đi điện tử, kể cả văn bản gửi song song với bản giấy, đạt", "percent", None, "e_documents_rate"),
    ("UBND các xã ban hành", "count", "văn bản đi dưới dạng điện tử có ký số", "e_documents_count"),
    (
        "văn bản đi điện tử có ký số của cấp xã, kể cả văn bản gửi song song bản giấy, chiếm",
        "percent",
        None,
        "e_documents_rate",
    ),
    (
        "văn bản chỉ đạo, điều hành của UBND huyện được đăng tải công khai trên cổng thông tin điện tử",
        "percent",
        None,
        "directive_docs_published_rate",
    ),
    ("cán bộ, công chức của huyện đã có tài khoản thư điện tử công vụ", "percent", None, "official_email_rate"),
    # 004 Tư Nghĩa
    ("từ đầu năm đến nay, huyện đã tiếp nhận và trả kết quả", "count", "hồ sơ", "dossiers_received_count"),
    ("huyện đã thành lập", "count", "Tổ công nghệ số cộng đồng ở cả ba cấp", "community_tech_teams"),
    ("xã, thị trấn trên địa bàn đã kiện toàn Ban Chỉ đạo chuyển đổi số", "percent", None, "steering_committee_rate"),
    ("cơ quan, đơn vị đã bố trí cán bộ phụ trách công tác chuyển đổi số", "percent", None, "dx_staff_assigned_rate"),
    ("xã, thị trấn và thôn, tổ dân phố đã có Tổ CNSCĐ", "percent", None, "community_tech_team_coverage_rate"),
    (
        "TTHC thuộc thẩm quyền giải quyết của cấp huyện, cấp xã được công khai trên trang thông tin điện tử",
        "percent",
        None,
        "tthc_published_online_rate",
    ),
    ("các xã, thị trấn đã thành lập xong Tổ CNSCĐ, đạt", "count", "xã, thị trấn", "community_tech_teams"),
    ("các thôn, tổ dân phố đều đã có Tổ công nghệ số cộng đồng", "count", "thôn, tổ dân phố", "community_tech_teams"),
    ("các tổ công nghệ số cộng đồng có tổng cộng", "count", "thành viên", "community_tech_team_members"),
    ("hệ thống truyền hình trực tuyến của huyện kết nối", "count", "điểm cầu đến các xã", "video_conference_points"),
    # 004 Mộ Đức, Bình Sơn, Nghĩa Hành
    (
        "mỗi thành viên Tổ CNSCĐ trong 7 ngày phải hướng dẫn tối thiểu cho",
        "count",
        "người dân",
        "residents_guided_per_team_member",
    ),
    ("buổi lễ có", "count", "điểm cầu chính đặt tại hội trường UBND huyện", "video_conference_points"),
    ("cùng với", "count", "điểm cầu tại UBND các xã, thị trấn", "video_conference_points"),
    (
        "huyện giao mỗi thành viên Tổ CNSCĐ ở từng cấp kèm cặp ít nhất",
        "count",
        "người dân",
        "residents_guided_per_team_member",
    ),
    ("huyện Bình Sơn hiện có", "count", "Tổ CNSCĐ cấp huyện", "community_tech_teams"),
    ("bên cạnh đó là", "count", "Tổ CNSCĐ cấp xã", "community_tech_teams"),
    ("và", "count", "Tổ CNSCĐ ở thôn, tổ dân phố", "community_tech_teams"),
    ("các Tổ CNSCĐ có gần", "count", "thành viên", "community_tech_team_members"),
    ("huyện đang cung cấp", "count", "TTHC trên cổng dịch vụ công trực tuyến", "online_public_services_count"),
    ("trong số này có", "count", "TTHC mức độ 3", "online_public_services_level3_count"),
    ("trong số này có 40 TTHC mức độ 3 và", "count", "TTHC mức độ 4", "online_public_services_level4_count"),
    ("cấp xã cung cấp", "count", "thủ tục hành chính trực tuyến", "online_public_services_count"),
    ("gồm", "count", "dịch vụ công trực tuyến một phần", "online_public_services_level3_count"),
    ("và", "count", "dịch vụ công trực tuyến toàn trình", "online_public_services_level4_count"),
    ("nửa đầu năm 2023, hồ sơ được tiếp nhận trực tuyến của huyện chiếm gần", "percent", None, "online_dossier_rate"),
    ("riêng lĩnh vực đất đai, huyện đã nhận", "count", "hồ sơ nộp trực tuyến", "dossiers_online_count"),
    # 004 Đức Phổ
    (
        "người dân, doanh nghiệp dùng hệ thống chính quyền điện tử đã xác thực định danh điện tử chiếm trên",
        "percent",
        None,
        "e_id_rate",
    ),
    (
        "phần mềm quản lý văn bản iOffice của thị xã đã liên thông qua trục liên thông văn bản quốc gia",
        "percent",
        None,
        "document_software_interconnection_rate",
    ),
    ("hồ sơ công việc ở cấp thị xã đã được xử lý trên môi trường mạng", "percent", None, "work_records_online_rate"),
    (
        "hồ sơ công việc của các xã, phường được giải quyết trên môi trường mạng",
        "percent",
        None,
        "work_records_online_rate",
    ),
    (
        "thị xã hiện có tổng cộng",
        "count",
        "TTHC được cung cấp dưới dạng dịch vụ công trực tuyến toàn trình",
        "online_public_services_level4_count",
    ),
    (
        "từ tháng 8/2022 đến hết quý I/2023, thị xã tiếp nhận và giải quyết trực tuyến",
        "count",
        "hồ sơ dịch vụ công trực tuyến mức độ 4",
        "dossiers_online_count",
    ),
    (
        "hồ sơ TTHC của thị xã và các xã được giải quyết thông qua phần mềm một cửa điện tử",
        "percent",
        None,
        "one_stop_system_dossier_rate",
    ),
    (
        "người dân đã nộp thuế, lệ phí trước bạ nhà đất bằng thanh toán trực tuyến với",
        "count",
        "lượt",
        "online_payment_count",
    ),
    ("tổng số tiền thanh toán trực tuyến đạt trên", "vnd", None, "online_payment_amount"),
    ("thị xã đã thành lập", "count", "Tổ CNSCĐ ở các cấp", "community_tech_teams"),
    ("thị xã có 99 Tổ CNSCĐ ở các cấp, tổng cộng", "count", "thành viên", "community_tech_team_members"),
    (
        "theo kế hoạch của tỉnh, mỗi thành viên Tổ công nghệ số cộng đồng phải hướng dẫn tối thiểu cho",
        "count",
        "người dân",
        "residents_guided_per_team_member",
    ),
]

SAMPLE_CASES = [
    # community teams and training (s001, s003, s021, s029)
    ("sau bốn tháng, toàn huyện đã lập", "count", "tổ CNSCĐ cho các xóm, tổ dân phố", "community_tech_teams"),
    ("huyện đã tổ chức", "count", "lớp tập huấn cho các tổ", "dx_training_classes"),
    ("các lớp tập huấn thu hút trên", "count", "lượt người tham gia", "dx_training_participants"),
    ("toàn tỉnh hiện có", "count", "tổ công nghệ số cộng đồng ở cấp xã và thôn", "community_tech_teams"),
    ("các tổ có tổng số", "count", "thành viên", "community_tech_team_members"),
    ("tổ viên đã đến tận nhà hỗ trợ cài đặt ứng dụng cho hơn", "count", "hộ dân", "residents_guided_count"),
    # targets of a commune plan (s003)
    (
        "hồ sơ thủ tục hành chính được xử lý hoàn toàn trực tuyến, tối thiểu",
        "percent",
        None,
        "full_process_online_dossier_rate",
    ),
    (
        "thủ tục hành chính được cung cấp dưới hình thức dịch vụ công trực tuyến mức độ 4, hơn",
        "percent",
        None,
        "online_public_services_level4_rate",
    ),
    ("hồ sơ công việc tại cấp xã được xử lý trên môi trường mạng từ", "percent", None, "work_records_online_rate"),
    ("tỷ lệ dân số có tài khoản thanh toán điện tử đạt hơn", "percent", None, "e_payment_account_rate"),
    ("hồ sơ của phường được giải quyết đúng hạn và trước hạn", "percent", None, "on_time_dossier_rate"),
    # digital infrastructure (s005, s009, s015, s020, s025)
    ("số thuê bao băng rộng di động/100 dân đạt", "per_100_people", None, "mobile_broadband_subscribers_per_100"),
    ("tỷ lệ hộ gia đình có truy nhập internet băng rộng cáp quang", "percent", None, "household_fiber_rate"),
    ("tỷ lệ dùng chung vị trí BTS giữa các doanh nghiệp", "percent", None, "bts_site_sharing_rate"),
    ("tốc độ băng rộng cố định đo theo i-Speed đạt", "mbps", None, "fixed_broadband_speed"),
    ("tốc độ băng rộng di động (tải xuống, đo theo i-Speed) đạt", "mbps", None, "mobile_broadband_speed"),
    ("giảm tỷ lệ người chỉ dùng điện thoại 2G xuống dưới", "percent", None, "feature_phone_2g_only_rate"),
    ("tỷ lệ dân số trưởng thành có điện thoại thông minh là", "percent", None, "smartphone_adult_rate"),
    ("tỷ lệ hộ gia đình có điện thoại thông minh là", "percent", None, "household_smartphone_rate"),
    (
        "thôn, tổ dân phố được phủ sóng di động tại khu dân cư tập trung",
        "count",
        "thôn, tổ dân phố",
        "villages_mobile_covered",
    ),
    ("phủ sóng di động tại các thôn, làng đạt", "percent", None, "mobile_coverage"),
    ("toàn tỉnh đã kéo trên", "km", "km cáp quang", "fiber_km"),
    ("toàn tỉnh hiện có tổng cộng", "count", "trạm BTS", "bts_stations"),
    ("tỷ lệ cơ quan nhà nước từ tỉnh đến xã kết nối mạng đạt", "percent", None, "agencies_network_connected_rate"),
    # dossiers, one-stop, digitisation (s006, s007, s010, s016, s019, s023)
    ("hồ sơ trả trước hạn và đúng hạn là", "count", "hồ sơ", "ontime_resolution_count"),
    ("hồ sơ quá hạn nhưng chưa có kết quả là", "count", "hồ sơ", "dossiers_late_count"),
    ("tỷ lệ hồ sơ chậm, quá hạn của huyện là", "percent", None, "dossiers_late_rate"),
    ("trong tháng, bộ phận một cửa các cấp tiếp nhận mới", "count", "hồ sơ", "dossiers_received_count"),
    ("năm 2024 cấp huyện đã số hóa", "count", "hồ sơ đầu vào", "dossiers_digitized_count"),
    ("việc số hóa hồ sơ đầu vào của cấp tỉnh đạt", "percent", None, "dossier_digitization_rate"),
    ("tỷ lệ số hóa kết quả giải quyết TTHC đạt", "percent", None, "digitised_results_rate"),
    (
        "phí, lệ phí TTHC tại trung tâm hành chính công được thu không dùng tiền mặt",
        "percent",
        None,
        "cashless_fee_payment_rate",
    ),
    (
        "kết quả xử lý hồ sơ TTHC được đồng bộ đầy đủ trên Cổng Dịch vụ công quốc gia",
        "percent",
        None,
        "results_synced_national_portal_rate",
    ),
    ("số hồ sơ trực tuyến toàn trình của tỉnh là", "count", "hồ sơ", "dossiers_online_count"),
    ("tỷ lệ hồ sơ trực tuyến toàn trình của tỉnh đạt", "percent", None, "full_process_online_dossier_rate"),
    (
        "tỷ lệ hồ sơ trực tuyến phát sinh của từng DVCTT (toàn trình và một phần) đạt",
        "percent",
        None,
        "online_dossier_rate",
    ),
    ("tỷ lệ hồ sơ dịch vụ công trực tuyến trong 6 tháng đầu năm đạt", "percent", None, "online_dossier_rate"),
    (
        "tỉnh dẫn đầu cả nước về dịch vụ công trực tuyến với tỷ lệ giải quyết đúng hạn",
        "percent",
        None,
        "on_time_dossier_rate",
    ),
    ("tỉnh đã số hóa dữ liệu hộ tịch", "count", "trường hợp", "civil_registry_records_digitized"),
    (
        "chế độ báo cáo định kỳ được thực hiện trên Hệ thống thông tin báo cáo của tỉnh",
        "percent",
        None,
        "online_reporting_rate",
    ),
    ("UBND huyện và các xã đã công bố", "count", "bộ dữ liệu trên Cổng dữ liệu thành phố", "open_datasets_published"),
    # digital citizens (s008)
    ("các ngân hàng đã mở mới gần", "count", "tài khoản cho cá nhân, hộ kinh doanh", "payment_accounts_count"),
    (
        "công dân được tạo tài khoản trên Cổng Dịch vụ công quốc gia, đạt gần",
        "percent",
        None,
        "public_service_portal_account_rate",
    ),
    (
        "gần 50.000 công dân được tạo tài khoản trên Cổng Dịch vụ công quốc gia",
        "count",
        "công dân",
        "public_service_portal_accounts",
    ),
    # digital economy (s015, s020)
    ("doanh nghiệp trên địa bàn đã dùng hóa đơn điện tử", "percent", None, "e_invoice_rate"),
    ("có", "count", "hộ, cá nhân kinh doanh đăng ký, chuyển đổi sử dụng hóa đơn điện tử", "e_invoice_households_count"),
    ("tỉnh đứng thứ 3/63 về số giao dịch qua nền tảng NDXP, hạng", "rank", None, "ndxp_transactions_rank"),
    ("theo kế hoạch chuyển đổi số năm 2024, có", "count", "nhiệm vụ hoàn thành", "dx_tasks_completed"),
    ("có", "count", "người nộp đề nghị rút hồ sơ", "dossiers_returned_count"),
    ("cơ quan thuế đã tiếp nhận và xử lý", "count", "hóa đơn có mã", "e_invoices_count"),
    ("sàn thương mại điện tử của tỉnh đang giới thiệu và bày bán", "count", "sản phẩm", "ecommerce_products_count"),
    (
        "sản phẩm OCOP của các địa phương đã được đưa lên sàn thương mại điện tử",
        "percent",
        None,
        "ocop_ecommerce_rate",
    ),
    (
        "tỷ lệ doanh nghiệp trên địa bàn xã sử dụng nền tảng số",
        "percent",
        None,
        "enterprises_infrastructure_platform_rate",
    ),
    ("doanh nghiệp nhỏ và vừa sử dụng nền tảng số đạt trên", "percent", None, "sme_digital_platform_rate"),
    # rankings (s009, s015, s018, s025, s030)
    ("chỉ số DTI năm 2022 của tỉnh xếp thứ", "rank", None, "dti_rank"),
    ("tỉnh xếp thứ 10 trong 63 tỉnh, thành phố về kết quả xếp hạng chuyển đổi số", "rank", None, "dti_rank"),
    ("về chỉ số cải cách hành chính (PAR Index) tỉnh đứng thứ", "rank", None, "par_rank"),
    ("chỉ số hài lòng của người dân, tổ chức (SIPAS) xếp thứ", "rank", None, "sipas_rank"),
    ("tỉnh nằm trong tốp 10 cả nước về ICT Index, hạng", "rank", None, "ict_index_rank"),
    ("huyện đứng đầu bảng với chỉ số DTI đạt", "percent", None, "dti_score"),
    # plans and smart villages (s011, s014, s024)
    (
        "tính đến hết năm 2024, có 15/16 mục tiêu theo kế hoạch chuyển đổi số hoàn thành",
        "count",
        "mục tiêu",
        "dx_targets_completed",
    ),
    ("thôn đã lắp đặt", "count", "camera an ninh ở nơi công cộng", "security_cameras"),
    ("toàn bộ các xã, phường đã vận hành hệ thống họp trực tuyến", "count", "xã, phường", "video_conference_points"),
    ("đến nay có", "count", "người sử dụng hệ thống quản lý văn bản và điều hành", "document_software_accounts"),
]

# National and provincial 2025 targets (reference/targets_2025.md), in report wording of our own.
TARGET_CASES = [
    (
        "cán bộ, công chức cấp xã được gắn định danh số trong xử lý công việc đạt",
        "percent",
        None,
        "civil_servants_digital_id_rate",
    ),
    ("người trưởng thành có tài khoản định danh điện tử chiếm trên", "percent", None, "adults_e_id_account_rate"),
    (
        "dân số từ 15 tuổi trở lên có tài khoản giao dịch thanh toán tại ngân hàng đạt",
        "percent",
        None,
        "bank_account_rate_15plus",
    ),
    (
        "số xã đạt chuẩn chỉ tiêu 8.4 của tiêu chí số 8 về thông tin và truyền thông",
        "percent",
        None,
        "communes_ntm_ict_criterion_rate",
    ),
    ("năng suất lao động tăng bình quân hằng năm từ", "percent", None, "labour_productivity_growth"),
    ("kinh tế số trong từng ngành, lĩnh vực chiếm tối thiểu", "percent", None, "digital_economy_share_each_sector"),
    ("thương mại điện tử trong tổng mức bán lẻ hàng hóa đạt trên", "percent", None, "ecommerce_share_retail"),
    ("Việt Nam vào nhóm nước dẫn đầu về chỉ số phát triển Chính phủ điện tử (EGDI), thứ", "rank", None, "egdi_rank"),
    ("người dân được cấp hồ sơ sức khỏe điện tử đạt", "percent", None, "e_health_record_rate"),
    ("lao động làm việc trong lĩnh vực kinh tế số chiếm trên", "percent", None, "digital_workforce_share"),
    (
        "hoạt động kiểm tra của cơ quan nhà nước thực hiện thông qua môi trường số đạt",
        "percent",
        None,
        "inspections_online_rate",
    ),
]

# Numbers that no entry should claim: the extractor records them as `other` or skips them.
NO_MATCH_CASES = [
    ("khối lượng hồ sơ của phường lên đến hơn", "count", "hồ sơ/ngày"),  # a bare 'hồ sơ' says too little
    ("tham dự lễ phát động có trên", "count", "cán bộ, đảng viên"),  # attendance
    ("huyện đã đặt ra", "count", "nhiệm vụ trọng tâm"),  # planned tasks
    ("bài viết có", "count", "lượt xem"),  # page furniture
    ("thôn có", "count", "hộ với hơn 700 khẩu"),
    ("toàn tỉnh hiện có", "count", "xã, phường, thị trấn"),  # a place word alone names nothing
    ("khuyến khích mỗi huyện chọn ít nhất", "count", "mô hình xã thương mại điện tử"),
    ("tăng trưởng GRDP của tỉnh năm 2023 đạt", "percent", None),
    ("hợp tác xã sản xuất theo tiêu chuẩn VietGAP, OCOP chiếm", "percent", None),
    ("người trưởng thành trong xã có việc làm ổn định chiếm", "percent", None),
]


def _write(tmp_path, text):
    path = tmp_path / "indicators.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD_ENTRY = """\
- code: e_documents_rate
  name_vi: Tỷ lệ văn bản đi điện tử
  name_en: Share of outgoing documents sent electronically
  unit: percent
  levels: [district]
  higher_is_better: true
  aggregation: weighted_mean
  triggers: [văn bản đi điện tử]
  description: test entry.
"""
OTHER_ENTRY = (
    GOOD_ENTRY.replace("e_documents_rate", "other")
    .replace("unit: percent", "unit: varies")
    .replace("triggers: [văn bản đi điện tử]", "triggers: []")
)


# --- the data file and its loader -------------------------------------------------------


def test_loads_into_the_indicators_schema():
    df = ind.load_indicators()
    assert list(df.columns) == INDICATORS.names
    assert df["code"].is_unique
    assert len(df) == len(ind.codes()) >= 90
    row = df.set_index("code").loc["work_records_online_rate"]
    assert row["unit"] == "percent" and "hồ sơ công việc" in row["triggers"].split("|")
    assert row["levels"] == "province,district,commune"


def test_every_gold_code_is_catalogued_with_the_gold_unit():
    catalogued = set(ind.codes())
    assert GOLD_CODES <= catalogued, sorted(GOLD_CODES - catalogued)
    for code in GOLD_CODES:
        expected = GOLD_UNITS.get(code, "count" if code in GOLD_COUNTS else "percent")
        assert ind.get(code).unit == expected, code


def test_units_and_aggregations_agree():
    for code in ind.codes():
        i = ind.get(code)
        if i.unit == "count" and code not in NOT_SUMMED:
            assert i.aggregation == "sum", code
        if i.unit == "percent" and code not in NOT_WEIGHTED:
            assert i.aggregation == "weighted_mean", code
        if i.unit == "rank":
            assert i.aggregation == "none" and not i.higher_is_better, code
    for code in NOT_SUMMED:
        assert ind.get(code).aggregation != "sum"
    for code in NOT_WEIGHTED:
        assert ind.get(code).aggregation in ("mean", "none")
    assert not ind.get("dossiers_late_rate").higher_is_better


def test_targets_2025_indicators_are_catalogued():
    for code in [
        "work_records_online_rate",
        "online_public_services_level4_rate",
        "online_dossier_rate",
        "full_process_online_dossier_rate",
        "household_fiber_rate",
        "smartphone_adult_rate",
        "e_payment_account_rate",
        "adults_digital_signature_rate",
        "digital_economy_share_grdp",
        "ecommerce_share_retail",
        "sme_digital_platform_rate",
        "e_health_record_rate",
        "digital_skills_rate",
    ]:
        assert ind.get(code).unit == "percent"


def test_names_keep_their_diacritics_and_other_is_the_catch_all():
    for code in ind.codes():
        i = ind.get(code)
        assert i.name_vi != fold(i.name_vi), code
        assert i.levels and i.description
    other = ind.get("other")
    assert other.unit == "varies" and other.triggers == ()
    assert isinstance(ind.get("dti_rank").triggers, tuple)


def test_get_unknown_code_suggests_a_near_one():
    with pytest.raises(KeyError, match="online_dossier_rate"):
        ind.get("online_dossiers_rate")


def test_a_valid_file_loads(tmp_path):
    df = ind.load_indicators(_write(tmp_path, GOOD_ENTRY + OTHER_ENTRY))
    assert df["code"].tolist() == ["e_documents_rate", "other"]


@pytest.mark.parametrize(
    "broken, reason",
    [
        (GOOD_ENTRY.replace("unit: percent", "unit: pct"), "unknown unit 'pct'"),
        (GOOD_ENTRY.replace("aggregation: weighted_mean", "aggregation: avg"), "unknown aggregation 'avg'"),
        (GOOD_ENTRY.replace("levels: [district]", "levels: [huyen]"), "levels must be"),
        (GOOD_ENTRY.replace("higher_is_better: true", "higher_is_better: yes please"), "true or false"),
        (GOOD_ENTRY.replace("  description: test entry.\n", ""), "missing field"),
        (GOOD_ENTRY + "  colour: red\n", "unknown field"),
        (GOOD_ENTRY.replace("[văn bản đi điện tử]", "[văn bản đi điện tử, Văn Bản Đi Điện Tử]"), "repeats"),
        (GOOD_ENTRY + "  refines: online_dossier_rate\n", "refines unknown entry"),
        (GOOD_ENTRY.replace("unit: percent", "unit: points") + "  counts: [văn bản]\n", "count, criteria or percent"),
    ],
)
def test_a_broken_entry_is_named(tmp_path, broken, reason):
    path = _write(tmp_path, OTHER_ENTRY + broken)
    with pytest.raises(ind.CatalogueError) as err:
        ind.load_indicators(path)
    message = str(err.value)
    assert reason in message
    assert "e_documents_rate" in message and f"{path}:10" in message  # file, line and code of the entry


def test_a_duplicate_code_names_both_places(tmp_path):
    path = _write(tmp_path, GOOD_ENTRY + OTHER_ENTRY + GOOD_ENTRY)
    with pytest.raises(ind.CatalogueError, match=r"already defined at .*:1: entry 1"):
        ind.load_indicators(path)


def test_the_packaged_catalogue_is_consistent():
    for code in ind.codes():
        i = ind.get(code)
        if i.refines:
            assert ind.get(i.refines).unit == i.unit


# --- find_triggers ----------------------------------------------------------------------


def test_find_triggers_offsets_point_into_the_text():
    text = normalize("Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng đạt 80%; DVCTT toàn trình")
    matches = naming.find_triggers(text)
    assert matches
    for m in matches:
        assert fold(text[m.start : m.end]) == " ".join(fold(m.trigger).split())
    assert any(
        m.code == "work_records_online_rate" and m.trigger == "hồ sơ công việc được xử lý trên môi trường mạng"
        for m in matches
    )


def test_find_triggers_is_accent_blind_and_takes_the_longest_at_each_start():
    matches = naming.find_triggers("ty le ho so nop truc tuyen toan trinh", unit="percent")
    starts = {(m.start, m.trigger) for m in matches}
    assert (6, "hồ sơ nộp trực tuyến") in starts
    assert not any(m.start == 6 and m.trigger == "hồ sơ trực tuyến" for m in matches)
    assert {m.code for m in matches} <= {"online_dossier_rate", "full_process_online_dossier_rate"}


def test_find_triggers_respects_the_unit_and_word_boundaries():
    assert {m.code for m in naming.find_triggers("văn bản đi điện tử", unit="count")} == {"e_documents_count"}
    assert naming.find_triggers("văn bản điều hành", unit="percent") == []  # 'văn bản đi' must end on a word
    assert naming.find_triggers("Tổ   CNSCĐ", unit="count")[0].trigger == "Tổ CNSCĐ"  # any run of spaces
    assert naming.find_triggers("", unit="count") == []


def test_abbreviations_weigh_like_the_words_they_stand_for():
    weight = {m.trigger: m.weight for m in naming.find_triggers("Tổ CNSCĐ; Tổ công nghệ số cộng đồng", unit="count")}
    assert weight["Tổ CNSCĐ"] == weight["Tổ công nghệ số cộng đồng"] == 6


# --- match_indicator ----------------------------------------------------------------------


@pytest.mark.parametrize("context, unit, unit_word, expected", GOLD_CASES)
def test_gold_facts_map_to_their_code(context, unit, unit_word, expected):
    assert naming.match_indicator(context, unit=unit, unit_word=unit_word) == expected


@pytest.mark.parametrize("context, unit, unit_word, expected", SAMPLE_CASES)
def test_sample_indicators_map_to_their_code(context, unit, unit_word, expected):
    assert naming.match_indicator(context, unit=unit, unit_word=unit_word) == expected


@pytest.mark.parametrize("context, unit, unit_word, expected", TARGET_CASES)
def test_target_indicators_map_to_their_code(context, unit, unit_word, expected):
    assert naming.match_indicator(context, unit=unit, unit_word=unit_word) == expected


@pytest.mark.parametrize("context, unit, unit_word", NO_MATCH_CASES)
def test_numbers_no_entry_names_get_none(context, unit, unit_word):
    assert naming.match_indicator(context, unit=unit, unit_word=unit_word) is None


def test_gold_table_covers_every_gold_code():
    assert {case[-1] for case in GOLD_CASES} == GOLD_CODES


def test_the_more_specific_phrase_wins():
    assert (
        naming.match_indicator("hồ sơ công việc được xử lý trên môi trường mạng", "percent")
        == "work_records_online_rate"
    )
    assert (
        naming.match_indicator("hồ sơ TTHC được xử lý hoàn toàn trên môi trường mạng", "percent")
        == "full_process_online_dossier_rate"
    )
    assert naming.match_indicator("văn bản đã ký số tập thể", "count", "văn bản") == "digital_signature_org_count"
    assert naming.match_indicator("văn bản được ký số", "count", "văn bản") == "digital_signature_count"
    assert naming.match_indicator("hồ sơ sức khỏe điện tử của người dân", "percent") == "e_health_record_rate"
    # 'có điện thoại thông minh' lies inside the households phrase and does not count for adults
    assert (
        naming.match_indicator("số hộ gia đình có điện thoại thông minh chiếm", "percent")
        == "household_smartphone_rate"
    )


def test_the_unit_chooses_between_count_and_rate():
    context = "hồ sơ nộp trực tuyến"
    assert naming.match_indicator(context, "percent") == "online_dossier_rate"
    assert naming.match_indicator(context, "count", "hồ sơ") == "dossiers_online_count"
    assert naming.match_indicator("ký số lãnh đạo", "count") == "digital_signature_count"
    assert naming.match_indicator("ký số lãnh đạo", "percent") == "digital_signature_rate"
    assert naming.match_indicator("Tổ CNSCĐ", "percent") == "community_tech_team_coverage_rate"


def test_the_counted_noun_decides_what_is_counted():
    context = "huyện đã thành lập 99 Tổ CNSCĐ các cấp với"
    assert naming.match_indicator(context, "count", "thành viên") == "community_tech_team_members"
    assert naming.match_indicator(context, "count", "Tổ CNSCĐ") == "community_tech_teams"
    assert naming.match_indicator("cấp xã có", "count", "TTHC") == "online_public_services_count"


def test_nothing_found_or_a_tie_gives_none():
    assert naming.match_indicator("huyện tổ chức hội nghị sơ kết", "count") is None
    assert naming.match_indicator("", "percent", "") is None
    assert naming.match_indicator("hồ sơ nộp trực tuyến") is None  # count or rate? the unit must say


# What is counted, and the population of a share, decide the entry (issue #10 class I); wording of other provinces.
@pytest.mark.parametrize(
    "context, unit, unit_word, expected",
    [
        # a share of agencies is not a share of staff
        (
            "Tại Bắc Ninh, 100% cơ quan, đơn vị được cấp hộp thư công vụ",
            "percent",
            "cơ quan",
            "agencies_official_email_rate",
        ),
        ("100% cán bộ, công chức được cấp hộp thư công vụ", "percent", "cán bộ", "official_email_rate"),
        (
            "phần mềm một cửa điện tử đã triển khai đến 100% cơ quan hành chính",
            "percent",
            "cơ quan hành chính",
            "one_stop_system_agency_rate",
        ),
        (
            "hồ sơ được tiếp nhận, xử lý trên hệ thống một cửa điện tử đạt",
            "percent",
            None,
            "one_stop_system_dossier_rate",
        ),
        # DTI grades: departments and districts are counted apart; a place noun alone names nothing
        (
            "kết quả chỉ số DTI năm 2024 của Nghệ An, có",
            "count",
            "sở, ngành xếp loại tốt",
            "departments_dti_good_count",
        ),
        ("đối với cấp huyện, có", "count", "huyện xếp loại khá", "districts_dti_fair_count"),
        ("trong số các huyện, thị xã, thành phố, có", "count", "địa phương xếp loại tốt", "districts_dti_good_count"),
        # youth volunteers and the Youth Union's support teams are not the community teams
        ("Tỉnh đoàn Sơn La huy động hơn", "count", "tình nguyện viên hỗ trợ người dân", "dx_youth_volunteers"),
        ("Huyện Đoàn Mộc Châu thành lập", "count", "tổ hỗ trợ chuyển đổi số", "youth_dx_support_teams"),
        (
            "Huyện Đoàn Mộc Châu thành lập 2 tổ hỗ trợ chuyển đổi số với",
            "count",
            "thành viên",
            "youth_dx_support_team_members",
        ),
        ("toàn huyện có 86 Tổ CNSCĐ với", "count", "thành viên", "community_tech_team_members"),
        ("toàn tỉnh Cà Mau có 1.020 tổ công nghệ số cộng đồng, trong đó", "count", "tổ cấp xã", "community_tech_teams"),
    ],
)
def test_what_is_counted_decides_the_entry(context, unit, unit_word, expected):
    assert naming.match_indicator(context, unit=unit, unit_word=unit_word) == expected


# Indicators an analyst tracks, named in other provinces' wording (issue #10 class I, catalogue).
@pytest.mark.parametrize(
    "context, unit, unit_word, expected",
    [
        (
            "toàn tỉnh Nghệ An có",
            "count",
            "xã, phường, thị trấn có kết nối cáp quang, internet băng rộng",
            "communes_fixed_broadband",
        ),
        (
            "toàn tỉnh Sơn La có 2.850/2.995 bản, tiểu khu có hạ tầng cung cấp dịch vụ Internet băng rộng di động",
            "count",
            "bản",
            "villages_mobile_broadband_covered",
        ),
        (
            "Bắc Ninh đã hoàn thành",
            "count",
            "nhiệm vụ theo kế hoạch thực hiện Đề án 06 năm 2024",
            "project06_tasks_completed",
        ),
        ("Cà Mau đã hoàn thành", "count", "nhiệm vụ theo kế hoạch chuyển đổi số năm 2024", "dx_tasks_completed"),
        ("cơ sở dữ liệu chuyên ngành được xây dựng đạt", "percent", None, "sector_databases_built_rate"),
        (
            "chỉ tiêu được kết nối, chia sẻ dữ liệu với Hệ thống thông tin báo cáo Chính phủ đạt",
            "percent",
            None,
            "gov_reporting_indicators_connected_rate",
        ),
        (
            "dịch vụ công trực tuyến của Nghệ An được cung cấp trên Hệ thống thông tin giải quyết TTHC của tỉnh",
            "percent",
            "dịch vụ công trực tuyến",
            "online_services_on_provincial_system_rate",
        ),
        ("bản Pá Khoang có trên", "percent", "số dân sử dụng các nền tảng số", "population_digital_app_use_rate"),
        (
            "Năm 2024, Bắc Ninh có",
            "count",
            "hộ kinh doanh, cá nhân kinh doanh chuyển đổi sử dụng hóa đơn điện tử",
            "e_invoice_households_count",
        ),
    ],
)
def test_tracked_indicators_have_entries(context, unit, unit_word, expected):
    assert naming.match_indicator(context, unit=unit, unit_word=unit_word) == expected


def test_contract_codes_name_their_entries():
    assert ind.canonical("new_accounts_opened") == "payment_accounts_count"  # 'mở mới … tài khoản' is that entry
    assert ind.canonical("coverage_5g_populated_area_rate") == "mobile_5g_coverage"
    assert ind.narrower("mobile_coverage") == ("mobile_5g_coverage",)
