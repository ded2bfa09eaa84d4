"""Person names announced by a title: «الرئيس الروسي فلاديمير بوتين», «المتحدث باسم الكرملين
دميتري بيسكوف», «وزير خارجية الاتحاد الأوروبي جوزيب بوريل».

No Arabic NER model ships offline (see the dependency notes), but news Arabic introduces a
person with a fixed shape: a title word, then qualifiers that say whose title it is
(adjectives and definite nouns: الروسي، للرئيس، الاتحاد الأوروبي; idafa nouns: خارجية، باسم),
then the name itself, 1-3 words that are not definite, not stopwords and not separated by
punctuation. `find_name_candidates` reads that shape; the tagger uses a candidate as a cue for
a gazetteer person and as a new person, and the store counts candidates until they are seen
often enough to be learned (akhbar/pipeline/tag_step.py). Also `X بن Y` names (محمد بن سلمان),
which need no title.

Pure: text in, candidates out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from akhbar.arabic.normalize import normalize_for_match
from akhbar.arabic.stopwords import is_stopword
from akhbar.enrich.gazetteer import Gazetteer
from akhbar.enrich.text import Words

__all__ = ["TRIGGERS", "Candidate", "candidates_in", "find_name_candidates", "looks_like_new_name"]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A person name found after a title (or around بن). `role` is the title phrase as printed."""

    name_display: str
    name_norm: str
    role: str

    def __reduce__(self) -> tuple[type[Candidate], tuple[str, str, str]]:
        # Sent from the worker process with the tagger's readings: the positional form
        # unpickles several times faster than the field-by-field state of a frozen dataclass.
        return Candidate, (self.name_display, self.name_norm, self.role)


def _norms(words: str) -> frozenset[str]:
    return frozenset(normalize_for_match(w) for w in words.split())


#: Words that open a title phrase (normalised; a leading و/ف/ب/ل is stripped before lookup).
TITLE_WORDS = _norms(
    """الرئيس رئيس الرئيسة رئيسة نائب نائبة الوزير وزير الوزيرة وزيرة الزعيم زعيم الملك ملك
    الملكة الأمير أمير الأميرة الشيخ الشيخة السلطان العاهل ولي المتحدث متحدث المتحدثة متحدثة
    الناطق ناطق الناطقة السكرتير السكرتيرة الأمين المستشار مستشار المستشارة مستشارة المبعوث
    مبعوث المبعوثة السفير سفير السفيرة القائد قائد الجنرال اللواء العميد العقيد الفريق المشير
    المدير مدير المديرة مديرة المدعي النائب النائبة البابا المرشد المرشح المرشحة مرشح
    السيناتور الحاكم حاكم المحافظ محافظ عمدة رئيسة المفوض المفوضة المندوب مندوب المندوبة
    الممثل ممثل الممثلة المنسق منسق المنسقة زعيمة الزعيمة المدرب مدرب اللاعب لاعب النجم
    رائد رائدة الفنان الفنانة المخرج المخرجة الكاتب الكاتبة الشاعر الشاعرة الروائي الباحث
    الباحثة الطبيب الطبيبة الدكتور الدكتورة المهندس المهندسة الأستاذ الأستاذة الرئيس التنفيذي
    الحارس المهاجم المدافع المحافظ المطرب المطربة مهندس مهندسة دكتور دكتورة"""
)
#: Nouns that continue a title without the article (idafa): وزير «خارجية» فرنسا, المتحدث «باسم».
TITLE_LINKS = _norms(
    """خارجية دفاع داخلية وزراء وزارة باسم مجلس حكومة هيئة لجنة منظمة حزب حركة جيش قوات
    أركان شركة بنك مجموعة اتحاد جهاز وكالة مكتب دولة ولاية مدينة بلدية إدارة مالية اقتصاد
    صحة تعليم عدل طاقة نفط خزانة شؤون تجارة مجلس الأمن عام العام العهد حرس منتخب نادي فريق
    رئيس رئيسة وزير وزيرة بعثة سفارة جامعة محكمة برلمان مؤسسة صندوق البنك الدفاع فضاء
    جمهورية مملكة إمارة سلطنة هيئة مفوضية رابطة نقابة غرفة مصلحة شعبة قسم دائرة"""
)
#: Particles inside compound names: عبد الفتاح، أبو الغيط، محمد بن سلمان.
NAME_LINKS = _norms("عبد بن ابن أبو أبي آل ولد بنت أم دي دا فون فان دو لا ال")
#: Words that may follow a name and are not part of it (the stopword list misses these).
NOT_NAME = _norms(
    """نظيره نظيرته نظيريه نظراءه عقب إثر أعرب التقى استقبل زار يزور وصل بحث تلقى أجرى
    يجري يلتقي يستقبل شدد دعا حذر رحب أدان طالب وقع وافق رفض اتهم أشاد هنأ بعث أبلغ أمر
    أصدر ترأس افتتح شارك يشارك توجه غادر عاد ألقى نفى جدد اعتبر كشف أوضح تعهد قدم"""
)
#: A word starting like these is a clitic + definite noun («والزعيم»), never a name.
_DEFINITE_CLITIC = ("وال", "فال", "بال", "كال", "لل")
#: مؤكدا، مشيرا، معربا: accusative participles that follow a name ("X, stressing ...").
_PARTICIPLE = re.compile(r"^م[^\s]{3,5}ا$")
#: Names that begin with و (most و-initial words after a name are "and X").
_WAW_NAMES = _norms("وليد وائل وسام وهبي وفاء وديع وداد وحيد وجدي ولاء")
MAX_QUALIFIERS = 7
MAX_NAME_WORDS = 3


#: Every title word also behind a conjunction or preposition: والزعيم → الزعيم, لرئيس → رئيس.
_TITLE_FORMS = {w: w for w in TITLE_WORDS} | {
    clitic + w: w for w in TITLE_WORDS for clitic in ("و", "ف", "ل", "ب")
}
#: Words that start a candidate scan: a title word in any clitic form, or بن inside a name.
TRIGGERS = frozenset(_TITLE_FORMS) | {"بن", "ابن"}
_CLITICS = ("و", "ف", "ل", "ب")


def _bare(norm: str) -> str:
    """A title word without a leading conjunction/preposition (other words unchanged)."""
    return _TITLE_FORMS.get(norm, norm)


def _is_title_noun(norm: str) -> bool:
    """A title word or title noun, also behind و/ف/ل/ب: «لشركة», «ووزارة», «بمنظمة»."""
    if norm in TITLE_LINKS or norm in TITLE_WORDS:
        return True
    return (
        len(norm) > 3
        and norm[0] in _CLITICS
        and (norm[1:] in TITLE_LINKS or norm[1:] in TITLE_WORDS)
    )


def _known_name_length(ws: Words, j: int, gazetteer: Gazetteer | None) -> int:
    """Words of the longest place/organisation name the gazetteer knows at j (0: none).

    «الرئيس التنفيذي لشركة توتال إنرجيز باتريك بويانيه»: a multi-word name inside the title
    belongs to the title, or its words would be read as the person's name."""
    if gazetteer is None:
        return 0
    norms = ws.norms
    for n in range(min(gazetteer.max_alias_words, len(norms) - j), 0, -1):
        if any(ws.broke(k) for k in range(j + 1, j + n)):
            continue
        phrase = " ".join(norms[j : j + n])
        forms = [phrase]
        if phrase[:1] in _CLITICS:
            forms.append(phrase[1:])
        if phrase.startswith("لل"):
            forms.append("ال" + phrase[2:])
        for form in forms:
            match = gazetteer.resolve(form)
            if match is not None and match.entity.type != "person":
                return n
    return 0


def _qualifier_length(ws: Words, j: int, gazetteer: Gazetteer | None) -> int:
    """How many words at j belong to the title phrase (0: the title phrase has ended)."""
    norm = ws.norms[j]
    if _is_title_noun(norm):
        return 1
    if norm.startswith(("ال", "لل")) and len(norm) > 3:
        # A definite word is an adjective or a noun of the title («الروسي», «للرئيس»), unless
        # it is a person the gazetteer knows («الرئيس السيسي»): then it is the name.
        match = gazetteer.resolve(norm) if gazetteer is not None else None
        if match is None or match.entity.type != "person":
            return max(1, _known_name_length(ws, j, gazetteer))
        return 0
    # «رئيس وزراء إسرائيل بنيامين نتنياهو»: a place or organisation belongs to the title.
    return _known_name_length(ws, j, gazetteer)


def _can_start_name(norm: str) -> bool:
    return (
        len(norm) >= 2
        and not norm.isdigit()
        and not is_stopword(norm)
        and norm not in NOT_NAME
        and norm not in TITLE_WORDS
        and norm not in TITLE_LINKS
        and not norm.startswith(_DEFINITE_CLITIC)
        and not _PARTICIPLE.match(norm)
        and (not norm.startswith("و") or norm in _WAW_NAMES)
    )


def _can_continue_name(ws: Words, k: int) -> bool:
    if ws.broke(k):
        return False
    norm, previous = ws.norms[k], ws.norms[k - 1]
    if previous in NAME_LINKS:
        # After عبد / أبو / بن the next word may be definite: عبد المجيد, أبو الغيط.
        return not is_stopword(norm) or norm.startswith("ال")
    if norm in NAME_LINKS:
        return True
    if norm.startswith("ال"):
        # A definite surname (سلمى الراشد, عبد الله الثاني), not a following noun phrase
        # (stopwords like الشهر, الماضي and title words stop it).
        return len(norm) > 3 and not is_stopword(norm) and _is_name_like(norm)
    return _can_start_name(norm)


def _is_name_like(norm: str) -> bool:
    return norm not in TITLE_WORDS and norm not in TITLE_LINKS and not _PARTICIPLE.match(norm)


def _name_after(ws: Words, start: int) -> int:
    """The end index of the name starting at `start` (== start when there is none)."""
    norms = ws.norms
    if start >= len(norms) or ws.broke(start) or not _can_start_name(norms[start]):
        return start
    end = start + 1
    links = sum(1 for w in norms[start : start + 5] if w in NAME_LINKS)
    limit = min(start + MAX_NAME_WORDS + links, len(norms))
    while end < limit and _can_continue_name(ws, end):
        end += 1
        if norms[end - 1].startswith("ال") and norms[end - 2] not in NAME_LINKS:
            break  # a definite surname ends the name
    while end > start + 1 and norms[end - 1] in NAME_LINKS:
        end -= 1  # a name never ends on عبد / بن
    return end


def _titled(ws: Words, gazetteer: Gazetteer | None) -> list[Candidate]:
    found = []
    norms = ws.norms
    resume = 0
    # Only the title words are visited (a set lookup found them); most words are skipped.
    for i in [k for k, w in enumerate(norms) if w in _TITLE_FORMS]:
        if i < resume:
            continue
        j = i + 1
        while j < len(norms) and j - i <= MAX_QUALIFIERS and not ws.broke(j):
            n = _qualifier_length(ws, j, gazetteer)
            if n == 0:
                break
            j += n
        j = min(j, len(norms))
        end = _name_after(ws, j)
        if end > j:
            found.append(_candidate(ws, j, end, i, j))
            resume = end
        else:
            resume = max(j, i + 1)
    return found


def _ibn_names(ws: Words) -> list[Candidate]:
    """X بن Y (Z): محمد بن سلمان, تميم بن حمد آل ثاني — a name without a title."""
    found = []
    norms = ws.norms
    for i in range(1, len(norms) - 1):
        if norms[i] not in ("بن", "ابن") or ws.broke(i):
            continue
        start = i - 1
        # «عبد العزيز بن سلمان»: the name began with عبد / أبو before the word before بن.
        if start >= 1 and norms[start - 1] in NAME_LINKS and not ws.broke(start):
            start -= 1
        if not _can_start_name(norms[start]):
            continue
        end = _name_after(ws, start)
        if end > i + 1:
            found.append(_candidate(ws, start, end, 0, 0))
    return found


def _candidate(ws: Words, start: int, end: int, role_start: int, role_end: int) -> Candidate:
    norms = ws.norms
    role_surfaces = [ws.surface(k) for k in range(role_start, role_end)]
    if role_surfaces and _bare(norms[role_start]) != norms[role_start]:
        role_surfaces[0] = role_surfaces[0][1:]  # «والزعيم» → «الزعيم»: the clitic is not the role
    return Candidate(
        " ".join(ws.surface(k) for k in range(start, end)),
        " ".join(norms[start:end]),
        " ".join(role_surfaces),
    )


def looks_like_new_name(candidate: Candidate) -> bool:
    """Whether a candidate no vocabulary knows may be a new person's name.

    One word after a title is more often a noun or a verb than a name («يبحث», «عشرة»), and a
    word that is a title noun behind a preposition («لمنظمة الصحة», «لشركة») is the title
    continuing, not a name. Both are common enough that a new person needs two clean words.
    """
    parts = candidate.name_norm.split()
    # A definite first word starts a noun phrase (الجهات المعنية), rarely a name.
    return (
        len(parts) >= 2
        and not parts[0].startswith("ال")
        and not any(_is_title_noun(p) for p in parts)
    )


def candidates_in(texts: Sequence[Words], gazetteer: Gazetteer | None = None) -> list[Candidate]:
    """`find_name_candidates` over texts already read (the tagger shares its words)."""
    seen: dict[str, Candidate] = {}
    for ws in texts:
        if TRIGGERS.isdisjoint(ws.norms):
            continue  # no title word and no بن: nothing to find (a set lookup per word)
        for candidate in (*_titled(ws, gazetteer), *_ibn_names(ws)):
            known = seen.get(candidate.name_norm)
            # The first sighting wins, unless only a later one says the person's role.
            if known is None or (candidate.role and not known.role):
                seen[candidate.name_norm] = candidate
    return list(seen.values())


def find_name_candidates(
    title: str, body: str, *, gazetteer: Gazetteer | None = None
) -> list[Candidate]:
    """Person names introduced by a title (or built with بن), first occurrence of each.

    With a gazetteer, places and organisations inside the title are recognised as part of it
    («رئيس وزراء إسرائيل ...») and a known person right after the title is taken as the name.
    """
    return candidates_in([Words(title), Words(body)], gazetteer)
