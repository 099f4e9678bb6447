"""Three checks for the grading tests' tiny exercise notebooks (lesson "90"), made like a lesson's."""

import pandas as pd

from course_lib.checks import compare_number, compare_table, exercise

BASKET = [2.5, 10.0]
DIETS = ["vegan", "vegetarian", "vegan", "flexitarian", "vegan"]


@exercise("90.1", "Total of the basket")
def basket_total(answer):
    return compare_number(answer, sum(BASKET))


@exercise("90.2", "Number of customers of a diet")
def diet_count(answer, diet="vegan"):
    return compare_number(answer, DIETS.count(diet))


@exercise("90.3", "Customers per diet")
def per_diet(answer):
    expected = pd.Series(DIETS).value_counts().rename_axis("diet").rename("customers").reset_index()
    return compare_table(answer, expected, key="diet")
