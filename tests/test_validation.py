"""Tests of the shared checks in course_lib.validation: the helpers every module now uses."""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pandas as pd
import pytest

from course_lib.validation import (
    as_name_list,
    check_scalar,
    consent_given,
    customer_ids,
    id_kind,
    renamed_parameters,
    require_bool,
    require_boolean,
    require_matching_ids,
    resolve_as_of,
)


@renamed_parameters(date="ordered_at", unit="session")
def _echo(data, *, ordered_at="ordered_at", session="session_id"):
    """A stand-in for a public function with two renamed parameters."""
    return data, ordered_at, session


class TestRenamedParameters:
    def test_new_names_do_not_warn(self):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert _echo(1, ordered_at="placed", session="visit") == (1, "placed", "visit")

    def test_old_name_warns_names_the_new_one_and_is_passed_on(self):
        with pytest.warns(FutureWarning, match=r"'date' parameter of _echo is renamed 'ordered_at'") as caught:
            assert _echo(1, date="placed") == (1, "placed", "session_id")
        assert len(caught) == 1
        assert "_echo(..., ordered_at='placed')" in str(caught[0].message)

    def test_each_old_name_warns_once(self):
        with pytest.warns(FutureWarning) as caught:
            assert _echo(1, date="a", unit="b") == (1, "a", "b")
        assert sorted(str(w.message).split("'")[1] for w in caught) == ["date", "unit"]

    def test_warning_points_at_the_caller(self):
        with pytest.warns(FutureWarning) as caught:
            _echo(1, date="a")
        assert caught[0].filename == __file__

    def test_both_names_is_an_error(self):
        with pytest.raises(TypeError, match="got both 'date' .* and 'ordered_at'"):
            _echo(1, date="a", ordered_at="b")

    def test_keeps_name_and_docstring(self):
        assert _echo.__name__ == "_echo"
        assert "stand-in" in _echo.__doc__
        assert _echo.renamed_parameters == {"date": "ordered_at", "unit": "session"}


class TestResolveAsOf:
    dates = pd.Series(pd.to_datetime(["2024-05-01 10:30", None, "2024-05-20 18:00"]), name="ordered_at")

    def test_default_is_the_day_after_the_last_date_at_midnight(self):
        assert resolve_as_of(None, self.dates, function="f") == pd.Timestamp("2024-05-21")

    @pytest.mark.parametrize("given", ["2024-05-20", dt.date(2024, 5, 20), np.datetime64("2024-05-20")])
    def test_every_date_form_gives_the_same_midnight(self, given):
        assert resolve_as_of(given, self.dates, function="f") == pd.Timestamp("2024-05-20")

    def test_a_moment_is_kept_and_checked_by_its_day(self):
        # "now" as the last order's time, as lesson 01 writes it: kept, and not "before the data".
        moment = pd.Timestamp("2024-05-20 10:00")
        assert resolve_as_of(moment, self.dates, function="f") == moment

    def test_a_day_before_the_last_date_is_an_error_naming_the_column(self):
        with pytest.raises(ValueError, match=r"\(2024-05-19\) lies before the last date \(2024-05-20\).*'ordered_at'"):
            resolve_as_of("2024-05-19", self.dates, function="f")

    def test_earlier_day_allowed_when_the_function_filters(self):
        assert resolve_as_of("2024-05-02", self.dates, function="f", later_rows="allowed") == pd.Timestamp("2024-05-02")

    def test_time_zones_count_local_days(self):
        local = pd.Series(pd.to_datetime(["2024-05-20 23:30"]).tz_localize("America/Bogota"))
        assert resolve_as_of(None, local, function="f") == pd.Timestamp("2024-05-21")

    @pytest.mark.parametrize(
        ("given", "error"), [("20/05/2024", ValueError), (20240520, TypeError), (pd.NaT, TypeError)]
    )
    def test_bad_values(self, given, error):
        with pytest.raises(error, match="'as_of' parameter of f"):
            resolve_as_of(given, self.dates, function="f")

    def test_no_date_at_all(self):
        with pytest.raises(ValueError, match="hold no date"):
            resolve_as_of(None, pd.Series(pd.to_datetime([None, None])), function="f")


class TestScalars:
    @pytest.mark.parametrize("value", [0.0, 0.5, 1, np.float64(1.0)])
    def test_check_scalar_closed_range(self, value):
        assert check_scalar(value, parameter="p", function="f", low=0, high=1) == float(value)

    @pytest.mark.parametrize("value", [0, 1, -0.1, float("nan")])
    def test_check_scalar_open_range(self, value):
        with pytest.raises(ValueError, match=r"must be a number > 0 and < 1"):
            check_scalar(value, parameter="p", function="f", low=0, high=1, inclusive="neither")

    @pytest.mark.parametrize("value", [True, "0.5", None])
    def test_check_scalar_types(self, value):
        with pytest.raises(TypeError, match="'p' parameter of f must be a number"):
            check_scalar(value, parameter="p", function="f", low=0)

    def test_require_bool(self):
        require_bool(np.bool_(True), parameter="p", function="f")
        with pytest.raises(TypeError, match="True or False"):
            require_bool(1, parameter="p", function="f")

    def test_as_name_list(self):
        assert as_name_list(None, parameter="by", function="f") == []
        assert as_name_list(("a", "b"), parameter="by", function="f") == ["a", "b"]
        with pytest.raises(TypeError):
            as_name_list([], parameter="by", function="f")
        assert as_name_list([], parameter="by", function="f", allow_empty=True) == []


class TestIdsAndConsent:
    @pytest.mark.parametrize(
        ("ids", "kind"),
        [
            (pd.Series([1, 2]), "number"),
            (pd.Series([1, 2], dtype="object"), "number"),  # the rule targeting used to get wrong
            (pd.Series(pd.array([1, None], dtype="Int64")), "number"),
            (pd.Series(["a", None]), "text"),
            (pd.Series(["a", "b"], dtype="category"), "text"),
            (pd.Series([1, "a"], dtype="object"), "mixed"),
            (pd.Series([True, False]), "mixed"),
            (pd.Series([None, None], dtype="object"), "empty"),
        ],
    )
    def test_id_kind(self, ids, kind):
        assert id_kind(ids) == kind

    def test_numbers_stored_as_object_merge_with_numbers(self):
        left = pd.DataFrame({"customer_id": pd.Series([1, 2], dtype="object")})
        right = pd.DataFrame({"customer_id": [2, 3]})
        require_matching_ids({"left": left, "right": right}, "customer_id")  # no error ...
        assert len(left.merge(right)) == 1  # ... because the merge does match

    def test_text_against_numbers_is_an_error(self):
        with pytest.raises(TypeError, match="numbers in `right` .* but text in `left`"):
            require_matching_ids(
                {"left": pd.DataFrame({"customer_id": ["2"]}), "right": pd.DataFrame({"customer_id": [2]})},
                "customer_id",
            )

    def test_consent_rule(self):
        data = pd.DataFrame(
            {
                "customer_id": [1, 2, 2, 3, 4],
                "consent_email": pd.array([True, True, False, None, True], dtype="boolean"),
                "consent_personalisation": [True, True, True, True, False],
            }
        )
        per_row = consent_given(data, "consent_email")
        assert per_row.tolist() == [True, True, False, False, True]
        both = consent_given(data, ["consent_email", "consent_personalisation"])
        assert both.tolist() == [True, True, False, False, False]
        per_customer = consent_given(data, "consent_email", customer="customer_id")
        assert per_customer.to_dict() == {1: True, 2: False, 3: False, 4: True}
        from_index = consent_given(data.set_index("customer_id"), "consent_email", customer="customer_id")
        pd.testing.assert_series_equal(from_index, per_customer)

    def test_customer_ids_come_from_the_column_or_the_index(self):
        orders = pd.DataFrame({"customer_id": [3, 3, 5], "amount": [1.0, 2.0, 3.0]})
        assert customer_ids(orders, "customer_id").tolist() == [3, 3, 5]
        per_customer = pd.DataFrame({"amount": [3.0, 3.0]}, index=pd.Index([3, 5], name="customer_id"))
        ids = customer_ids(per_customer, "customer_id")
        assert ids.tolist() == [3, 5] and ids.index.equals(per_customer.index)
        with pytest.raises(ValueError, match=r"`orders` has no column 'client', nor an index of that name"):
            customer_ids(orders, "client", name="orders")

    def test_consent_must_be_boolean(self):
        with pytest.raises(TypeError, match="'consent_email' of `customers` must hold True/False"):
            consent_given(pd.DataFrame({"consent_email": ["yes"]}), "consent_email", name="customers")
        with pytest.raises(TypeError):
            require_boolean(pd.DataFrame({"flag": [0, 1]}), "flag")
