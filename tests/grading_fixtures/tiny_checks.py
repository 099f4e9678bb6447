"""Two checks for the grading tests' tiny exercise notebooks (lesson "90"), made like a lesson's."""

from course_lib.checks import compare_number, exercise

BASKET = [2.5, 10.0]
DIETS = ["vegan", "vegetarian", "vegan", "flexitarian", "vegan"]


@exercise("90.1", "Total of the basket")
def basket_total(answer):
    return compare_number(answer, sum(BASKET))


@exercise("90.2", "Number of vegan customers")
def vegan_count(answer):
    return compare_number(answer, DIETS.count("vegan"))
