"""The audit chain's canonical copy of a JSON column is the value as the database gives it back, whichever
serializer makes the round trip (issue 13: orjson, for the 100 MB change set of a national import)."""

import gc
import json
import threading
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st

from core import audit_chain
from core.bulk import BULK_COLLECTION_THRESHOLD, few_collections


def json_round_trip(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.datetimes(timezones=st.just(UTC)),
    st.datetimes(),
    st.dates(),
    st.times(),
    st.timedeltas(min_value=timedelta(days=-999), max_value=timedelta(days=999)),
    st.uuids(),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.tuples(children, children),
        st.dictionaries(st.text(max_size=8), children, max_size=4),
        st.dictionaries(st.integers(min_value=-50, max_value=50), children, max_size=3),
    ),
    max_leaves=20,
)


@given(values)
def test_the_canonical_copy_is_the_json_round_trip_for_every_value_a_writer_may_hold(value):
    assert audit_chain._as_stored_json(value) == json_round_trip(value)


def test_the_link_of_a_change_set_is_the_same_hash_as_with_json_round_trip():
    fields = {
        "additional_data": {
            "via": "import",
            "change_set": {
                "rows": [
                    {
                        "pk": 7,
                        "changes": {"points": [None, Decimal("7.50")]},
                        "at": datetime(2025, 3, 5, 10, 1, 2, 345678, tzinfo=UTC),
                    },
                    {
                        "pk": 8,
                        "label": gettext_lazy("删除"),
                        "id": uuid.UUID(int=5),
                        "day": date(2025, 3, 5),
                        "t": time(8, 30),
                    },
                ],
                "summary": {1: "int keys", "big": 2**80, "ratio": 0.1},
            },
        }
    }
    canonical = {name: audit_chain._as_stored_json(value) for name, value in fields.items()}
    expected = {name: json_round_trip(value) for name, value in fields.items()}
    assert audit_chain.link_hash(
        "auditlog_logentry", 1, canonical, audit_chain.GENESIS
    ) == audit_chain.link_hash("auditlog_logentry", 1, expected, audit_chain.GENESIS)


def test_a_bulk_path_raises_the_collectors_threshold_and_the_last_holder_restores_it():
    before = gc.get_threshold()
    with few_collections():
        assert gc.get_threshold()[0] == max(BULK_COLLECTION_THRESHOLD, before[0])
        with few_collections():
            assert gc.get_threshold()[0] == max(BULK_COLLECTION_THRESHOLD, before[0])
        assert gc.get_threshold()[0] == max(BULK_COLLECTION_THRESHOLD, before[0])  # an outer holder remains
    assert gc.get_threshold() == before


def test_threads_holding_the_collector_at_once_leave_the_threshold_as_it_was():
    before = gc.get_threshold()
    entered, release = threading.Barrier(3), threading.Event()

    def hold():
        with few_collections():
            entered.wait(timeout=10)
            release.wait(timeout=10)

    threads = [threading.Thread(target=hold) for _ in range(2)]
    for thread in threads:
        thread.start()
    entered.wait(timeout=10)
    assert gc.get_threshold()[0] == max(BULK_COLLECTION_THRESHOLD, before[0])
    release.set()
    for thread in threads:
        thread.join(timeout=10)
    assert gc.get_threshold() == before


def test_the_threshold_is_restored_when_the_bulk_path_fails():
    before = gc.get_threshold()
    try:
        with few_collections():
            raise ValueError("a refused row")
    except ValueError:
        pass
    assert gc.get_threshold() == before
