"""`pln export --format json` encodes each row with one C encoder made once
(``transfer.row_encoder``): it must write what json's own encoder writes."""

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from plncli.transfer import row_encoder

PLAIN = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
ENCODE = row_encoder()

values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(row=st.dictionaries(st.text(max_size=12), values, max_size=8))
def test_a_row_is_written_as_json_writes_it(row: dict[str, Any]) -> None:
    assert ENCODE(row) == PLAIN(row)


def test_the_encoder_is_used_again_for_every_row() -> None:
    rows = [{"id": n, "name": f"Person {n}", "note": None} for n in range(3)]
    assert [ENCODE(r) for r in rows] == [PLAIN(r) for r in rows]
    assert not hasattr(ENCODE, "__self__")  # the C encoder made once, not the method
    nested = {"x": [{"y": [1]}]}  # a value seen twice is no cycle
    assert ENCODE(nested) == ENCODE(nested) == PLAIN(nested)
