"""The cache timestamp helpers: Z strings compare like the moments they name."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from app.timefmt import from_z, is_z, to_z, z_in

moments = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(9998, 1, 1), timezones=st.just(timezone.utc))


@given(moments, moments)
def test_z_strings_order_like_moments(a: datetime, b: datetime) -> None:
    a, b = a.replace(microsecond=0), b.replace(microsecond=0)
    assert is_z(to_z(a)) and from_z(to_z(a)) == a
    assert (to_z(a) < to_z(b)) == (a < b)


def test_other_writers_formats_parse_but_are_not_fast_path_z() -> None:
    for text in ("2026-01-01T00:00:00UTC", "2026-01-01T00:00:00+00:00", "2026-01-01T01:00:00+01:00"):
        assert not is_z(text)
        assert from_z(text) == datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_z_in_is_now_plus_seconds() -> None:
    expected = datetime.now(timezone.utc) + timedelta(seconds=900)
    assert abs(from_z(z_in(900)) - expected) <= timedelta(seconds=2)


def test_malformed_z_strings_are_not_taken_for_timestamps() -> None:
    for text in ("2026-19-99T99:99:99Z", "2026-01-01T24:00:00Z", "２０２６-01-01T00:00:00Z", "2026-01-01 00:00:00Z"):
        assert not is_z(text)
