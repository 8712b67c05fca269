"""Free text to facts: one module per question (page furniture, places, what a number counts,
its period, whether it is a goal, which indicator), and ``extract`` that runs them.
"""
