from pathlib import Path

import pytest

from saywho.config import Settings
from saywho.errors import ConfigError


@pytest.mark.parametrize(
    ("env", "field", "expected"),
    [
        pytest.param(
            {"SAYWHO_ALLOW_PRIVATE": "1"}, "allow_private", True, id="boolean flag read from 1"
        ),
        pytest.param(
            {"SAYWHO_ALLOW_PRIVATE": "no"}, "allow_private", False, id="boolean flag read from no"
        ),
        pytest.param(
            {"SAYWHO_MAX_BYTES": "1048576"}, "max_bytes", 1048576, id="byte limit read as int"
        ),
        pytest.param({"SAYWHO_TIMEOUT": "2.5"}, "timeout", 2.5, id="timeout read as float"),
        pytest.param({}, "plain", False, id="defaults when nothing is set"),
    ],
)
def test_config_reads_saywho_environment(env: dict[str, str], field: str, expected: object) -> None:
    assert getattr(Settings.from_env(env), field) == expected


@pytest.mark.parametrize(
    "env",
    [
        pytest.param({"SAYWHO_MAX_BYTES": "lots"}, id="non-numeric size"),
        pytest.param({"SAYWHO_MAX_BYTES": "-5"}, id="negative size"),
        pytest.param({"SAYWHO_PLAIN": "maybe"}, id="unclear boolean"),
    ],
)
def test_config_rejects_bad_values_naming_the_variable(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError) as info:
        Settings.from_env(env)
    assert next(iter(env)) in str(info.value)
    assert "\n" not in str(info.value)


def test_config_overrides_ignore_unset_flags() -> None:
    base = Settings(timeout=5.0)
    assert base.with_overrides(timeout=None, plain=True) == Settings(timeout=5.0, plain=True)


def test_required_parts_fail_where_named_and_skip_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """tests/required.py: a missing part skips, unless SAYWHO_REQUIRE (or CI) requires it."""
    from required import missing, required

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("SAYWHO_REQUIRE", raising=False)
    assert required() == frozenset()
    with pytest.raises(pytest.skip.Exception):
        missing("data", "no data here")
    monkeypatch.setenv("SAYWHO_REQUIRE", "data, postgresql")
    assert required() == {"data", "postgresql"}
    with pytest.raises(pytest.fail.Exception, match="no data here"):
        missing("data", "no data here")
    with pytest.raises(pytest.skip.Exception):
        missing("browser", "no browser here")
    monkeypatch.setenv("SAYWHO_REQUIRE", "all")
    assert required() == {"data", "postgresql", "browser", "model"}
    monkeypatch.setenv("SAYWHO_REQUIRE", "datta")
    with pytest.raises(pytest.fail.Exception, match="datta"):
        required()
    monkeypatch.delenv("SAYWHO_REQUIRE")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        missing("model", "no model here")


def test_pinned_evaluation_files_fail_when_they_change(tmp_path: Path) -> None:
    from required import digest, pinned

    (tmp_path / "gold.json").write_text("{}", encoding="utf-8")
    files = [tmp_path / "gold.json"]
    pinned("the gold", files, tmp_path, digest(files, tmp_path))  # unchanged: passes
    expected = digest(files, tmp_path)
    (tmp_path / "gold.json").write_text('{"x": 1}', encoding="utf-8")
    with pytest.raises(pytest.fail.Exception, match=r"the gold under .* changed"):
        pinned("the gold", files, tmp_path, expected)
