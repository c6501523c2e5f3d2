"""Module: parameters, state dictionaries and JSON files that fail safe."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd import Value


def model() -> nn.MLP:
    return nn.MLP(2, [3, 1], seed=0)


class Pair(nn.Module):
    """A module with a parameter, a child module and a tuple of parameters."""

    def __init__(self) -> None:
        self.scale = Value(2.0)
        self.inner = nn.Neuron(1, seed=0)
        self.extras = (Value(1.0), Value(3.0))
        self.note = "not a parameter"


def test_named_parameters_walk_attributes_in_definition_order() -> None:
    names = [name for name, _ in Pair().named_parameters()]
    assert names == ["scale", "inner.w.0", "inner.b", "extras.0", "extras.1"]


def test_parameters_match_named_parameters() -> None:
    m = model()
    assert m.parameters() == [p for _, p in m.named_parameters()]


def test_state_dict_is_a_copy_of_floats() -> None:
    m = model()
    state = m.state_dict()
    state["layers.0.neurons.0.b"] = 5.0
    assert m.layers[0].neurons[0].b.data == 0.0


def test_load_state_dict_assigns_every_value() -> None:
    source, target = nn.MLP(2, [3, 1], seed=1), nn.MLP(2, [3, 1], seed=2)
    target.load_state_dict(source.state_dict())
    assert target.state_dict() == source.state_dict()


def test_strict_load_names_missing_and_unexpected_keys() -> None:
    m = model()
    state = m.state_dict()
    del state["layers.0.neurons.0.b"]
    state["layers.9.w.0"] = 1.0
    with pytest.raises(nn.StateDictError, match=r"missing keys \['layers.0.neurons.0.b'\]") as e:
        m.load_state_dict(state)
    assert "unexpected keys ['layers.9.w.0']" in str(e.value)


def test_failed_strict_load_assigns_nothing() -> None:
    m = model()
    before = m.state_dict()
    state = {name: 9.0 for name in before}
    state["extra"] = 1.0
    with pytest.raises(ValueError):
        m.load_state_dict(state)
    assert m.state_dict() == before


def test_bad_value_in_state_assigns_nothing() -> None:
    m = model()
    before = m.state_dict()
    state: dict[str, object] = {name: 9.0 for name in before}
    state["layers.1.neurons.0.b"] = "x"
    with pytest.raises(ValueError, match="must be a real number"):
        m.load_state_dict(state)
    assert m.state_dict() == before


def test_non_strict_load_assigns_shared_keys_only() -> None:
    m = model()
    m.load_state_dict({"layers.0.neurons.0.b": 4.0, "other": 1.0}, strict=False)
    assert m.layers[0].neurons[0].b.data == 4.0


def test_save_load_round_trip_is_bit_exact(tmp_path: Path) -> None:
    source, target = nn.MLP(2, [4, 1], seed=1), nn.MLP(2, [4, 1], seed=2)
    source.layers[0].neurons[0].b.data = 0.1 + 0.2  # not representable in short decimal
    source.layers[0].neurons[1].b.data = 5e-324  # the smallest subnormal
    source.save(tmp_path / "m.json")
    target.load(tmp_path / "m.json")
    assert target.state_dict() == source.state_dict()


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_any_finite_float_round_trips(tmp_path_factory: pytest.TempPathFactory, x: float) -> None:
    path = tmp_path_factory.mktemp("rt") / "n.json"
    neuron = nn.Neuron(1, seed=0)
    neuron.w[0].data = x
    neuron.save(path)
    neuron.w[0].data = 0.0
    neuron.load(path)
    assert math.copysign(1, neuron.w[0].data) == math.copysign(1, x)
    assert neuron.w[0].data == x


def test_saved_file_is_versioned_json(tmp_path: Path) -> None:
    model().save(tmp_path / "m.json")
    document = json.loads((tmp_path / "m.json").read_text())
    assert document["format"] == "glassgrad.nn.Module"
    assert document["version"] == 1
    assert document["module"] == "MLP"


def test_save_leaves_no_temporary_file(tmp_path: Path) -> None:
    model().save(tmp_path / "m.json")
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


def saved(tmp_path: Path) -> Path:
    path = tmp_path / "m.json"
    model().save(path)
    return path


def assert_load_fails_and_model_is_unchanged(path: Path, match: str) -> None:
    m = nn.MLP(2, [3, 1], seed=5)
    before = m.state_dict()
    with pytest.raises(ValueError, match=match):
        m.load(path)
    assert m.state_dict() == before


def test_loading_an_empty_file_fails_and_keeps_the_model(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text("")
    assert_load_fails_and_model_is_unchanged(path, "is empty")


def test_loading_a_truncated_file_fails_and_keeps_the_model(tmp_path: Path) -> None:
    path = saved(tmp_path)
    path.write_text(path.read_text()[:-40])
    assert_load_fails_and_model_is_unchanged(path, "not valid JSON.*truncated or corrupt")


def test_loading_non_json_fails_and_keeps_the_model(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text("weights: 1, 2, 3")
    assert_load_fails_and_model_is_unchanged(path, "not valid JSON")


def test_loading_json_of_another_format_fails(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text('{"parameters": {}}')
    assert_load_fails_and_model_is_unchanged(path, "not a glassgrad model file")


def test_loading_another_version_fails(tmp_path: Path) -> None:
    path = saved(tmp_path)
    path.write_text(path.read_text().replace('"version": 1', '"version": 99'))
    assert_load_fails_and_model_is_unchanged(path, "format version 99")


def test_loading_a_wrong_architecture_names_the_keys(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    nn.MLP(2, [4, 1], seed=0).save(path)
    assert_load_fails_and_model_is_unchanged(path, r"does not fit.*unexpected keys")


def test_loading_a_nan_fails_and_keeps_the_model(tmp_path: Path) -> None:
    path = saved(tmp_path)
    text = path.read_text()
    path.write_text(text.replace('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": NaN'))
    assert_load_fails_and_model_is_unchanged(path, "non-finite number")


def test_loading_an_overflowing_number_fails(tmp_path: Path) -> None:
    path = saved(tmp_path)
    text = path.read_text()
    path.write_text(text.replace('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": 1e999'))
    assert_load_fails_and_model_is_unchanged(path, "not finite")


def test_loading_a_string_value_fails(tmp_path: Path) -> None:
    path = saved(tmp_path)
    text = path.read_text()
    path.write_text(text.replace('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": "0"'))
    assert_load_fails_and_model_is_unchanged(path, "not a number")


def test_saving_a_nan_weight_fails_and_keeps_the_existing_file(tmp_path: Path) -> None:
    path = saved(tmp_path)
    before = path.read_bytes()
    m = model()
    m.layers[1].neurons[0].w[2].data = math.nan
    with pytest.raises(ValueError, match=r"'layers.1.neurons.0.w.2' is nan"):
        m.save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


def test_saving_an_infinite_weight_fails(tmp_path: Path) -> None:
    m = model()
    m.layers[0].neurons[0].b.data = -math.inf
    with pytest.raises(ValueError, match="is -inf"):
        m.save(tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()


def test_failed_write_keeps_the_existing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = saved(tmp_path)
    before = path.read_bytes()

    def broken_replace(src: str, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("nn.module.os.replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        nn.MLP(2, [3, 1], seed=9).save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


def test_loading_deeply_nested_json_fails_with_a_value_error(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert_load_fails_and_model_is_unchanged(path, r"model file '.*m.json' .*nested too deeply")


@pytest.mark.parametrize("digits", [310, 401, 5_001])
def test_loading_an_integer_too_large_for_a_float_fails_with_a_value_error(
    tmp_path: Path, digits: int
) -> None:
    path = saved(tmp_path)
    text = path.read_text()
    huge = "9" * digits
    path.write_text(text.replace('"layers.0.neurons.0.b": 0.0', f'"layers.0.neurons.0.b": {huge}'))
    assert_load_fails_and_model_is_unchanged(
        path, rf"model file '.*m.json'.* integer of {digits} digits, too large for a float"
    )


def test_loading_a_binary_file_fails_with_a_value_error(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_bytes(bytes(range(256)))
    assert_load_fails_and_model_is_unchanged(
        path, r"model file '.*m.json' is not UTF-8 text \(byte 0x80 at offset 128\)"
    )


def test_loading_a_utf16_file_fails_with_a_value_error(tmp_path: Path) -> None:
    path = saved(tmp_path)
    path.write_text(path.read_text(), encoding="utf-16")
    assert_load_fails_and_model_is_unchanged(path, r"model file '.*m.json' is not UTF-8 text")
