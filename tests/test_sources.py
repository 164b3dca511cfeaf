"""Source registry and the shared alias index: finding, lookup, similarity, loading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verify.errors import ConfigError
from verify.records import SourceType
from verify.registry import AliasIndex, Mention, entity_similarity, fold
from verify.registry.sources import SourceRegistry


def _ids(mentions: list[Mention]) -> list[str]:
    return [m.id for m in mentions]


def test_mentions_slice_original_text_despite_tashkeel_and_tatweel(registry: SourceRegistry) -> None:
    text = "وقالَ المَرصـدُ السّوري لحقوقِ الإنسانِ إنّ صاروخاً سقط قرب القاعدة."
    [mention] = registry.find_mentions(text)
    assert mention.id == "sohr"
    assert text[mention.start : mention.end] == mention.text
    assert mention.text == "المَرصـدُ السّوري لحقوقِ الإنسانِ"


def test_clitic_prefixes_stay_outside_the_mention(registry: SourceRegistry) -> None:
    text = "ونقلت وكالات عن فالمرصد وبكتائب حزب الله وللمرصد السوري تفاصيل."
    mentions = registry.find_mentions(text)
    assert [(m.text, m.id) for m in mentions] == [
        ("المرصد", "sohr"),
        ("كتائب حزب الله", "kataib_hezbollah"),
        ("مرصد السوري", "sohr"),
    ]
    for m in mentions:
        assert text[m.start : m.end] == m.text


def test_longest_alias_wins(registry: SourceRegistry) -> None:
    text = "أكد المرصد السوري لحقوق الإنسان والمرصد وحده لا يكفي."
    mentions = registry.find_mentions(text)
    assert [m.text for m in mentions] == ["المرصد السوري لحقوق الإنسان", "المرصد"]
    assert _ids(mentions) == ["sohr", "sohr"]
    kh = registry.find_mentions("أعلنت كتائب حزب الله في العراق مسؤوليتها")
    assert _ids(kh) == ["kataib_hezbollah"]
    assert kh[0].text == "كتائب حزب الله في العراق"


def test_english_names_case_insensitive_at_word_boundaries(registry: SourceRegistry) -> None:
    text = "Reuters quoted a U.S. official and the Syrian Observatory; CENTCOM's statement followed."
    mentions = registry.find_mentions(text)
    assert _ids(mentions) == ["reuters", "us_military", "sohr", "centcom"]
    assert [m.text for m in mentions] == ["Reuters", "U.S. official", "the Syrian Observatory", "CENTCOM"]
    # inside a longer word is not a mention
    assert registry.find_mentions("Unreuterslike APPLE capital") == []


def test_generic_faction_phrases_map_to_the_umbrella(registry: SourceRegistry) -> None:
    text = "قالت فصائل مسلحة عراقية إنها قصفت، وأضافت الفصائل أن الهجوم رد على الغارات."
    assert _ids(registry.find_mentions(text)) == ["islamic_resistance_iraq"] * 2
    assert _ids(registry.find_mentions("Iran-backed militias fired rockets")) == ["iran_backed_groups"]


@pytest.mark.parametrize(
    ("name", "source_id"),
    [
        ("Kataib Hizballah", "kataib_hezbollah"),
        ("كتائب حزب اللة", "kataib_hezbollah"),
        ("جماعة حزب الله في العراق", "kataib_hezbollah"),
        ("Syrian Observatry for Human Rights", "sohr"),
        ("المرصد السوري لحقوق الانسان", "sohr"),
        ("the observatory", "sohr"),
        ("Hizballah", "hezbollah"),
        ("Ansarullah", "houthis"),
        ("Yahia Sarea", "houthis"),
        ("Tasneem", "tasnim"),
        ("رويتر", "reuters"),
        ("Al Jazira", "al_jazeera"),
        ("البنتاجون", "pentagon"),
        ("Islamic Resistence in Iraq", "islamic_resistance_iraq"),
    ],
)
def test_lookup_variants(registry: SourceRegistry, name: str, source_id: str) -> None:
    source = registry.lookup(name)
    assert source is not None and source.id == source_id


@pytest.mark.parametrize(
    "name",
    [
        "Russian officials",
        "Egyptian army",
        "Kurdish forces",
        "Faris",
        "فارس",
        "حزب",
        "Ahmed",
        "Qatar",
        "Press",
    ],
)
def test_lookup_rejects_unrelated_names(registry: SourceRegistry, name: str) -> None:
    assert registry.lookup(name) is None


def test_acronyms_do_not_fuzzy_match_names(registry: SourceRegistry) -> None:
    iran = registry.lookup("Iran")
    assert iran is not None and iran.id == "iran_gov"  # not IRNA, whose skeleton is the same
    assert registry.lookup("US officials") == registry.get("us_military")


def test_types_and_sides(registry: SourceRegistry) -> None:
    assert registry.get("sohr").source_type is SourceType.INDEPENDENT
    assert registry.get("reuters").source_type is SourceType.MEDIA
    assert registry.get("al_mayadeen").source_type is SourceType.PARTY
    assert registry.get("al_mayadeen").side == "iran_axis"
    assert registry.get("sana").side == "syria_gov"
    assert all(s.side is None for s in registry if s.source_type is not SourceType.PARTY)
    assert all(s.side for s in registry if s.source_type is SourceType.PARTY)
    assert len(registry) == len(list(registry)) >= 50


def test_opposing(registry: SourceRegistry) -> None:
    assert registry.opposing("us_coalition", "iran_axis")
    assert registry.opposing("iran_axis", "us_coalition")
    assert registry.opposing("sdf", "turkey")
    assert not registry.opposing("us_coalition", "sdf")
    assert not registry.opposing("iran_axis", "iran_axis")
    assert not registry.opposing(None, "iran_axis")


def test_bundled_aliases_are_unambiguous() -> None:
    owner: dict[str, str] = {}
    for source in SourceRegistry.load():
        for alias in source.aliases:
            key = fold(alias)
            assert owner.setdefault(key, source.id) == source.id, f"{alias!r} is used twice"


def test_user_file_overrides_and_adds(tmp_path: Path) -> None:
    user = tmp_path / "mine.json"
    entries = [
        {"id": "sohr", "name": "SOHR (local)", "source_type": "media", "side": None, "aliases": ["SOHR"]},
        {
            "id": "local_monitor",
            "name": "Euphrates Monitor",
            "name_ar": "مرصد الفرات",
            "source_type": "independent",
            "aliases": ["EM"],
        },
    ]
    user.write_text(json.dumps({"sources": entries, "oppositions": [["a", "b"]]}), encoding="utf-8")
    registry = SourceRegistry.load(user)
    assert registry.get("sohr").source_type is SourceType.MEDIA
    assert registry.lookup("المرصد السوري") is None  # the override replaced the aliases
    assert _ids(registry.find_mentions("وقال مرصد الفرات إن")) == ["local_monitor"]
    assert registry.opposing("a", "b") and registry.opposing("us_coalition", "iran_axis")
    assert len(registry) == len(SourceRegistry.load()) + 1


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "not valid JSON"),
        ('{"items": []}', "'sources' list"),
        ('{"sources": [{"name": "x"}]}', "'id'"),
        ('{"sources": [{"id": "x", "name": "X", "source_type": "enemy"}]}', "source_type"),
        ('{"sources": [{"id": "x", "name": "X", "source_type": "party", "aliases": "X"}]}', "aliases"),
        ('{"sources": [], "oppositions": [["a"]]}', "oppositions"),
        (
            '{"sources": [{"id": "x", "name": "X", "source_type": "media"},'
            ' {"id": "x", "name": "Y", "source_type": "media"}]}',
            "duplicate",
        ),
    ],
)
def test_malformed_user_file(tmp_path: Path, content: str, problem: str) -> None:
    user = tmp_path / "bad.json"
    user.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=problem) as err:
        SourceRegistry.load(user)
    assert str(user) in str(err.value)


def test_missing_user_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        SourceRegistry.load(tmp_path / "absent.json")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Conoco", "كونيكو"),
        ("حقل كونيكو", "Conoco field"),
        ("Erbil airport", "مطار أربيل"),
        ("Tower 22", "البرج 22"),
        ("Deir ez-Zor", "Deir al-Zour"),
        ("Ain al-Asad", "عين الأسد"),
    ],
)
def test_similar_names(a: str, b: str) -> None:
    assert entity_similarity(a, b) >= 0.9
    assert entity_similarity(a, b) == entity_similarity(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [("al-Omar", "Conoco"), ("Syria", "Iraq"), ("Tower 22", "Tower 23"), ("قاعدة حرير", "قاعدة عين الأسد")],
)
def test_dissimilar_names(a: str, b: str) -> None:
    assert entity_similarity(a, b) < 0.75


_ALIASES = [("a", "المرصد السوري"), ("b", "كتائب حزب الله"), ("c", "Conoco"), ("d", "حقل العمر")]
_INDEX = AliasIndex((i, [alias]) for i, alias in _ALIASES)
_FILLER = st.sampled_from([" ", "، ", " و", " ب", " لل", "ـ", "\u064e", "\u0651", " x ", "قال ", ". "])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_FILLER, st.sampled_from([a for _, a in _ALIASES])), max_size=12))
def test_find_offsets_slice_to_the_alias(parts: list[str]) -> None:
    text = "".join(parts)
    keys = {i: fold(a) for i, a in _ALIASES}
    previous_end = 0
    for m in _INDEX.find(text):
        assert text[m.start : m.end] == m.text
        assert m.start >= previous_end
        previous_end = m.end
        # the article may be fused into a preceding لل, which the mention leaves outside
        assert fold(m.text) in {keys[m.id], keys[m.id].removeprefix("ال")}


def test_acronyms_match_only_in_capitals(registry: SourceRegistry) -> None:
    assert _ids(registry.find_mentions("SANA said; later in Sana'a and sana")) == ["sana"]
    assert _ids(registry.find_mentions("Officials told AP")) == ["ap"]
    assert registry.find_mentions("a cap on kh values") == []


def test_common_word_names_are_lookup_only(registry: SourceRegistry) -> None:
    # 'المسيرة' is Al-Masirah but also 'drone' in 'الطائرات المسيرة'; 'Amnesty' is also a general amnesty
    assert registry.find_mentions("أطلقت الطائرات المسيرة صواريخها بعد إعلان العفو") == []
    assert registry.find_mentions("an amnesty for fighters") == []
    assert _ids(registry.find_mentions("وبثت قناة المسيرة بيانا")) == ["al_masirah"]
    for name, source_id in [("المسيرة", "al_masirah"), ("الجزيرة", "al_jazeera"), ("Amnesty", "amnesty")]:
        source = registry.lookup(name)
        assert source is not None and source.id == source_id


def test_umbrella_flag_is_read_and_checked(tmp_path: Path) -> None:
    registry = SourceRegistry.load()
    umbrella = registry.lookup("Iran-backed groups")
    assert umbrella is not None and umbrella.umbrella
    named = registry.lookup("Kataib Hezbollah")
    assert named is not None and not named.umbrella
    bad = tmp_path / "mine.json"
    bad.write_text(
        '{"sources": [{"id": "x", "name": "X", "source_type": "party", "umbrella": "yes"}]}', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="umbrella"):
        SourceRegistry.load(bad)


def test_fold_with_offsets_maps_each_folded_char_back() -> None:
    from verify.text.arabic import fold_with_offsets

    text = "  Al-Tanf ,  قاعدةُ "
    folded, pos = fold_with_offsets(text, lambda ch: " " if not ch.isalnum() else ch.lower(), squeeze=True)
    assert folded == "al tanf قاعدة"
    assert len(pos) == len(folded)
    assert all(text[p].lower() == c for p, c in zip(pos, folded, strict=True) if c != " ")
    plain, offsets = fold_with_offsets("ab", lambda ch: ch * 2)
    assert (plain, offsets) == ("aabb", [0, 0, 1, 1])


def test_a_shared_bare_name_is_read_by_the_side_the_document_names(registry: SourceRegistry) -> None:
    yemen = "قال التحالف إن طائراته قصفت مخزناً للأسلحة، بحسب ما نقلت وكالة الأنباء السعودية."
    source = registry.in_context("التحالف", registry.sides_named(yemen))
    assert source is not None and source.name == "Saudi-led coalition"
    syria = "The coalition said its jets struck a depot near the river, Central Command added."
    source = registry.in_context("the coalition", registry.sides_named(syria))
    assert source is not None and source.name == "US-led coalition"
    # Nothing tells: the default reading stands (None), and an unshared name is never resolved.
    untold = registry.sides_named("The coalition said its jets struck a depot.")
    assert registry.in_context("the coalition", untold) is None
    assert registry.in_context("CENTCOM", registry.sides_named(yemen)) is None


def test_shared_names_need_two_sources(tmp_path: Path) -> None:
    path = tmp_path / "extra.json"
    path.write_text(
        json.dumps({"sources": [], "shared_names": [{"names": ["x"], "sources": ["a"]}]}), "utf-8"
    )
    with pytest.raises(ConfigError, match="shared_names"):
        SourceRegistry.load(path)
