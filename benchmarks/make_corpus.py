"""Write a deterministic corpus of report-like .txt files for benchmarks.

Each document is a bundled ``data/raw/*.txt`` report varied so that no two are
alike yet all read like real ones: moved to another province (pre-2025 units
of the gazetteer) with its districts and communes swapped for ones of that
province, its report years shifted 0–2 back (2025 targets kept), its figures
changed (dates, fractions and legal numbers kept), its body paragraphs
shuffled and more body paragraphs of other variants added up to 2–10 kB, and
its Unicode form mixed as received files are (NFD, old-style tone marks,
no-break spaces, CRLF line ends, a BOM).

``--same-province`` keeps each template's province: ~300 reports per province
on the same indicators and years, each with other figures. That is a stress
case for the conflicts table, whose pairs grow with the square of that number.

    python benchmarks/make_corpus.py OUT_DIR --docs 5000 --seed 0
"""

from __future__ import annotations

import argparse
import random
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from cds_analysis.lang.text import normalize
from cds_analysis.reference.gazetteer import find_mentions, load_units

TEMPLATES = Path(__file__).resolve().parent.parent / "data" / "raw"
MIN_BYTES, MAX_BYTES = 2_000, 10_000
BODY_PARAGRAPH = 150  # characters on one line; shorter or multi-line blocks (title, lists, page tail) stay put
YEAR = re.compile(r"(?<!\d)20(?:19|2[0-4])(?!\d)")  # report years; 2025 and 2030 targets stay
# A figure: '19.630', '96,55', '7'; not one glued to '/', '-' or ':' (dates, fractions, '52-NQ/TW', times).
NUMBER = re.compile(r"(?<![\d/\-:.,])\d+(?:[.,]\d+)*(?![\d/\-:]|[.,]\d)")
OLD_STYLE = {"óa": "oá", "òa": "oà", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "úy": "uý", "ùy": "uỳ", "ủy": "uỷ", "ụy": "uỵ"}
OLD_STYLE_RE = re.compile(r"(?<![qQ])(" + "|".join(OLD_STYLE) + r")(?!\w)")


@dataclass(frozen=True)
class Template:
    """A bundled report in canonical form, with the places it names in its main province."""

    stem: str
    text: str
    province: str  # code
    province_names: tuple[str, ...]  # as written ('Bà Rịa – Vũng Tàu')
    districts: dict[str, str]  # name → district code
    communes: dict[str, str]  # name → parent district code


@dataclass(frozen=True)
class Places:
    """Pre-2025 provinces, districts and communes, as the swaps need them."""

    province_name: dict[str, str]
    districts_of: dict[str, list[str]]  # province code → district codes
    district_name: dict[str, str]
    communes_of: dict[str, list[str]]  # district code → commune names

    @classmethod
    def load(cls) -> Places:
        units = load_units()
        old = units[units["valid_from"].isna() & ~units["name"].str.contains(r"\d")]  # numbered wards add figures
        provinces = old[old["level"] == "province"]
        districts = old[(old["level"] == "district") & ~old["name"].isin(provinces["name"])]  # no 'huyện Quảng Ngãi'
        communes = old[old["level"] == "commune"]
        return cls(
            dict(zip(provinces["code"], provinces["name"])),
            districts.groupby("parent_code")["code"].apply(list).to_dict(),
            dict(zip(districts["code"], districts["name"])),
            communes.groupby("parent_code")["name"].apply(list).to_dict(),
        )


def load_templates(directory: Path = TEMPLATES) -> list[Template]:
    """The bundled .txt reports and the places they name in their main province."""
    templates = []
    for path in sorted(directory.glob("*.txt")):
        text = normalize(path.read_text(encoding="utf-8-sig"))
        codes = Counter(m.unit.province_code for m in find_mentions(text) if m.unit)
        province = codes.most_common(1)[0][0]
        named = [m for m in find_mentions(text, province=province) if m.unit and m.unit.province_code == province]
        province_name = next(m.unit.province_name for m in named)
        spellings = tuple(sorted({m.name for m in named if m.unit.level == "province"}))
        districts = {m.name: m.unit.code for m in named if m.unit.level == "district" and m.name != province_name}
        communes = {m.name: m.unit.district_code for m in named if m.unit.level == "commune"}
        templates.append(Template(path.stem, text, province, spellings, districts, communes))
    return templates


def _swap_places(t: Template, province: str, rng: random.Random, places: Places) -> str:
    """The template moved to ``province``: its name, districts and communes replaced by ones of it."""
    mapping = {name: places.province_name[province] for name in t.province_names if province != t.province}
    new_district: dict[str, str] = {}
    for name, code in t.districts.items():
        free = [c for c in places.districts_of[province] if c not in new_district.values()]
        new_district[code] = rng.choice(free or places.districts_of[province])
        mapping[name] = places.district_name[new_district[code]]
    with_communes = [c for c in places.districts_of[province] if c in places.communes_of]
    for name, parent in t.communes.items():
        district = new_district.get(parent, parent if province == t.province else None)
        mapping[name] = rng.choice(places.communes_of.get(district) or places.communes_of[rng.choice(with_communes)])
    if not mapping:
        return t.text
    pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, sorted(mapping, key=len, reverse=True))) + r")(?!\w)")
    return pattern.sub(lambda m: mapping[m.group()], t.text)


def _vary_number(m: re.Match, text: str, rng: random.Random) -> str:
    """A figure scaled by 0.6–1.4 in the same notation; years kept."""
    s = m.group()
    if re.fullmatch(r"(19|20)\d\d", s):
        return s
    decimals = len(s.rsplit(",", 1)[1]) if "," in s else 0
    value = float(s.replace(".", "").replace(",", ".")) * rng.uniform(0.6, 1.4)
    if text[m.end() : m.end() + 2].lstrip(" \u00a0").startswith("%"):
        value = min(value, 100.0)
    if decimals:
        whole, frac = f"{value:.{decimals}f}".split(".")
        return f"{int(whole):,}".replace(",", ".") + "," + frac
    return f"{max(1, round(value)):,}".replace(",", ".")


def _is_body(paragraph: str) -> bool:
    return len(paragraph) >= BODY_PARAGRAPH and "\n" not in paragraph


def _variant(t: Template, province: str, rng: random.Random, places: Places) -> list[str]:
    """Paragraphs of one variant: places swapped, body figures varied, body paragraphs shuffled."""
    paragraphs = _swap_places(t, province, rng, places).split("\n\n")
    slots = [i for i, p in enumerate(paragraphs) if _is_body(p)]
    moved = [NUMBER.sub(lambda m, p=paragraphs[i]: _vary_number(m, p, rng), paragraphs[i]) for i in slots]
    rng.shuffle(moved)
    for i, p in zip(slots, moved):
        paragraphs[i] = p
    return paragraphs


def _as_received(text: str, rng: random.Random) -> bytes:
    """The text in one of the forms files arrive in."""
    form = rng.choices(["nfc", "nfd", "old-style"], weights=[6, 2, 2])[0]
    if form == "old-style":
        text = OLD_STYLE_RE.sub(lambda m: OLD_STYLE[m.group()], text)
    if rng.random() < 0.3:
        text = re.sub(r"(\d) (%|hồ sơ|xã|người)", "\\1\u00a0\\2", text).replace("đạt ", "đạt\u00a0")
    if form == "nfd":
        text = unicodedata.normalize("NFD", text)
    if rng.random() < 0.1:
        text = text.replace("\n", "\r\n")
    return ("\ufeff" if rng.random() < 0.05 else "").encode() + text.encode("utf-8")


def make_document(t: Template, rng: random.Random, places: Places, same_province: bool = False) -> bytes:
    """One report from ``t``, in one province, lengthened with body paragraphs of other variants."""
    province = t.province if same_province else rng.choice(sorted(places.districts_of))
    paragraphs = _variant(t, province, rng, places)
    target = rng.randint(MIN_BYTES, MAX_BYTES - 1_500)  # room for the last paragraph and NFD's longer bytes
    last_body = max(i for i, p in enumerate(paragraphs) if _is_body(p))
    size = len("\n\n".join(paragraphs).encode())
    while size < target:
        for p in filter(_is_body, _variant(t, province, rng, places)):
            if size >= target:
                break
            last_body += 1
            paragraphs.insert(last_body, p)
            size += len(p.encode()) + 2
    shift = rng.choice((0, 1, 2))
    text = YEAR.sub(lambda m: str(int(m.group()) - shift), "\n\n".join(paragraphs) + "\n")
    return _as_received(text, rng)


def make_corpus(out_dir: str | Path, n_docs: int = 5000, seed: int = 0, same_province: bool = False) -> list[Path]:
    """Write ``n_docs`` documents into ``out_dir``; the same seed gives the same bytes."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    templates, places = load_templates(), Places.load()
    paths = []
    for i in range(n_docs):
        t = templates[i % len(templates)]
        path = out / f"{i:05d}_{t.stem}.txt"
        path.write_bytes(make_document(t, rng, places, same_province))
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--same-province", action="store_true", help="keep each template's province")
    args = parser.parse_args()
    paths = make_corpus(args.out_dir, args.docs, args.seed, args.same_province)
    total = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} documents, {total / 1e6:.1f} MB in {args.out_dir}")


if __name__ == "__main__":
    main()
