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
from dataclasses import dataclass

from akhbar.arabic.normalize import normalize_for_match
from akhbar.arabic.stopwords import is_stopword
from akhbar.arabic.tokens import tokenize
from akhbar.enrich.gazetteer import Gazetteer

__all__ = ["Candidate", "find_name_candidates"]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A person name found after a title (or around بن). `role` is the title phrase as printed."""

    name_display: str
    name_norm: str
    role: str


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
    الحارس المهاجم المدافع المحافظ المطرب المطربة"""
)
#: Nouns that continue a title without the article (idafa): وزير «خارجية» فرنسا, المتحدث «باسم».
TITLE_LINKS = _norms(
    """خارجية دفاع داخلية وزراء وزارة باسم مجلس حكومة هيئة لجنة منظمة حزب حركة جيش قوات
    أركان شركة بنك مجموعة اتحاد جهاز وكالة مكتب دولة ولاية مدينة بلدية إدارة مالية اقتصاد
    صحة تعليم عدل طاقة نفط خزانة شؤون تجارة مجلس الأمن عام العام العهد حرس منتخب نادي فريق
    رئيس رئيسة وزير وزيرة بعثة سفارة جامعة محكمة برلمان مؤسسة صندوق البنك الدفاع"""
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
#: Any non-space, non-word character between two words ends a name (، . : « - ...).
_BREAK = re.compile(r"[^\w\s\u0610-\u061a\u064b-\u065f\u0670\u0640\u200c-\u200f]")
_HYPHENS = frozenset({"-", "\u2010", "\u2011"})
#: Names that begin with و (most و-initial words after a name are "and X").
_WAW_NAMES = _norms("وليد وائل وسام وهبي وفاء وديع وداد وحيد وجدي ولاء")
MAX_QUALIFIERS = 7
MAX_NAME_WORDS = 3


@dataclass(frozen=True, slots=True)
class _Word:
    surface: str
    norm: str
    #: Punctuation or a line break between this word and the previous one.
    after_break: bool


def _scan(text: str) -> list[_Word]:
    # One normalisation pass over the text (tokenize), then the gaps between words.
    out: list[_Word] = []
    last_end = 0
    for token in tokenize(text):
        gap = text[last_end : token.start]
        # A hyphen joining two words is part of a name (عبد المجيد-تبون, جونج-أون).
        broke = (bool(_BREAK.search(gap)) and gap not in _HYPHENS) or "\n" in gap
        last_end = token.end
        out.append(_Word(token.surface, token.norm, broke))
    return out


#: Every title word also behind a conjunction or preposition: والزعيم → الزعيم, لرئيس → رئيس.
_TITLE_FORMS = {w: w for w in TITLE_WORDS} | {
    clitic + w: w for w in TITLE_WORDS for clitic in ("و", "ف", "ل", "ب")
}


def _bare(norm: str) -> str:
    """A title word without a leading conjunction/preposition (other words unchanged)."""
    return _TITLE_FORMS.get(norm, norm)


def _is_qualifier(word: _Word, gazetteer: Gazetteer | None) -> bool:
    norm = word.norm
    if norm in TITLE_LINKS or norm in TITLE_WORDS:
        return True
    if norm.startswith(("ال", "لل")) and len(norm) > 3:
        # A definite word is an adjective or a noun of the title («الروسي», «للرئيس»), unless
        # it is a person the gazetteer knows («الرئيس السيسي»): then it is the name.
        match = gazetteer.resolve(norm) if gazetteer is not None else None
        return match is None or match.entity.type != "person"
    if gazetteer is not None:
        match = gazetteer.resolve(norm)
        # «رئيس وزراء إسرائيل بنيامين نتنياهو»: a place or organisation belongs to the title.
        return match is not None and match.entity.type != "person"
    return False


def _can_start_name(word: _Word) -> bool:
    norm = word.norm
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


def _can_continue_name(word: _Word, previous: _Word) -> bool:
    if word.after_break:
        return False
    if previous.norm in NAME_LINKS:
        # After عبد / أبو / بن the next word may be definite: عبد المجيد, أبو الغيط.
        return not is_stopword(word.norm) or word.norm.startswith("ال")
    if word.norm in NAME_LINKS:
        return True
    if word.norm.startswith("ال"):
        # A definite surname (سلمى الراشد, عبد الله الثاني), not a following noun phrase
        # (stopwords like الشهر, الماضي and title words stop it).
        return len(word.norm) > 3 and not is_stopword(word.norm) and _is_name_like(word.norm)
    return _can_start_name(word)


def _is_name_like(norm: str) -> bool:
    return norm not in TITLE_WORDS and norm not in TITLE_LINKS and not _PARTICIPLE.match(norm)


def _name_after(words: list[_Word], start: int) -> int:
    """The end index of the name starting at `start` (== start when there is none)."""
    if start >= len(words) or words[start].after_break or not _can_start_name(words[start]):
        return start
    end = start + 1
    links = sum(1 for w in words[start : start + 5] if w.norm in NAME_LINKS)
    limit = min(start + MAX_NAME_WORDS + links, len(words))
    while end < limit and _can_continue_name(words[end], words[end - 1]):
        end += 1
        if words[end - 1].norm.startswith("ال") and words[end - 2].norm not in NAME_LINKS:
            break  # a definite surname ends the name
    while end > start + 1 and words[end - 1].norm in NAME_LINKS:
        end -= 1  # a name never ends on عبد / بن
    return end


def _titled(words: list[_Word], gazetteer: Gazetteer | None) -> list[Candidate]:
    found = []
    i = 0
    while i < len(words):
        if _bare(words[i].norm) not in TITLE_WORDS:
            i += 1
            continue
        j = i + 1
        while (
            j < len(words)
            and j - i <= MAX_QUALIFIERS
            and not words[j].after_break
            and _is_qualifier(words[j], gazetteer)
        ):
            j += 1
        end = _name_after(words, j)
        if end > j:
            found.append(_candidate(words[j:end], words[i:j]))
            i = end
        else:
            i = max(j, i + 1)
    return found


def _ibn_names(words: list[_Word]) -> list[Candidate]:
    """X بن Y (Z): محمد بن سلمان, تميم بن حمد آل ثاني — a name without a title."""
    found = []
    for i in range(1, len(words) - 1):
        if words[i].norm not in ("بن", "ابن") or words[i].after_break:
            continue
        if not _can_start_name(words[i - 1]):
            continue
        end = _name_after(words, i - 1)
        if end > i + 1:
            found.append(_candidate(words[i - 1 : end], []))
    return found


def _candidate(name: list[_Word], role: list[_Word]) -> Candidate:
    role_surfaces = [w.surface for w in role]
    if role and _bare(role[0].norm) != role[0].norm:
        role_surfaces[0] = role_surfaces[0][1:]  # «والزعيم» → «الزعيم»: the clitic is not the role
    return Candidate(
        " ".join(w.surface for w in name),
        " ".join(w.norm for w in name),
        " ".join(role_surfaces),
    )


def find_name_candidates(
    title: str, body: str, *, gazetteer: Gazetteer | None = None
) -> list[Candidate]:
    """Person names introduced by a title (or built with بن), first occurrence of each.

    With a gazetteer, places and organisations inside the title are recognised as part of it
    («رئيس وزراء إسرائيل ...») and a known person right after the title is taken as the name.
    """
    seen: dict[str, Candidate] = {}
    for text in (title, body):
        words = _scan(text)
        for candidate in (*_titled(words, gazetteer), *_ibn_names(words)):
            known = seen.get(candidate.name_norm)
            # The first sighting wins, unless only a later one says the person's role.
            if known is None or (candidate.role and not known.role):
                seen[candidate.name_norm] = candidate
    return list(seen.values())
