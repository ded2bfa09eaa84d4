"""Generated Arabic news articles for benchmarks: realistic lengths and vocabulary.

Not real text: words are drawn at random, arranged into ~7 paragraphs of ~40 words (≈ 280 words,
≈ 1,600 characters, like the 62 k real articles measured in
../shared/notes/performance-anchors.md), with names from the list below mixed in. Two
vocabularies:

- "written" (the default): ~200 news words we wrote, inflected with clitics and suffixes into
  6,000 forms, drawn with Zipf weights, plus function words. Small on purpose for the benchmarks
  that need planted structure (stories, copies), but every form stems to one of ~200 stems, so
  each stem is in ~40 % of the articles: far denser than real text.
- "wordfreq": the 50,000 commonest Arabic words of the `wordfreq` package (a word-frequency list
  built from public corpora, shipped inside its wheel: no download), drawn with their measured
  frequencies, function words included. Its stems have the spread of real text, which is what a
  search benchmark must have: at 1 M articles a stem of document-frequency rank 10-300 is in
  roughly 9-23 % of the documents on the real corpus of the anchors; on "written", every stem is
  in ~40 %.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import cache
from itertools import accumulate
from typing import Any, Literal

Vocabulary = Literal["written", "wordfreq"]
#: Size of the "wordfreq" vocabulary: the commonest Arabic words by measured frequency.
WORDFREQ_SIZE = 50_000

BASE_WORDS = [
    "رئيس",
    "وزير",
    "حكومة",
    "برلمان",
    "مجلس",
    "اجتماع",
    "قمة",
    "اتفاق",
    "اتفاقية",
    "مفاوضات",
    "محادثات",
    "زيارة",
    "وفد",
    "لقاء",
    "تعاون",
    "علاقات",
    "أمن",
    "استقرار",
    "سلام",
    "حرب",
    "هدنة",
    "قصف",
    "غارة",
    "هجوم",
    "جيش",
    "قوات",
    "عملية",
    "مدينة",
    "قرية",
    "منطقة",
    "حدود",
    "معبر",
    "اقتصاد",
    "نمو",
    "تضخم",
    "أسعار",
    "سوق",
    "بورصة",
    "نفط",
    "غاز",
    "طاقة",
    "كهرباء",
    "مياه",
    "زراعة",
    "قمح",
    "صادرات",
    "واردات",
    "استثمار",
    "مشروع",
    "بنك",
    "قرض",
    "دين",
    "ميزانية",
    "ضرائب",
    "عملة",
    "دولار",
    "جنيه",
    "ريال",
    "دينار",
    "درهم",
    "ليرة",
    "شركة",
    "مصنع",
    "عمال",
    "وظائف",
    "تعليم",
    "جامعة",
    "طلاب",
    "مدرسة",
    "صحة",
    "مستشفى",
    "أطباء",
    "مرضى",
    "لقاح",
    "وباء",
    "دواء",
    "علاج",
    "بحث",
    "علماء",
    "دراسة",
    "تقرير",
    "مناخ",
    "أمطار",
    "حرارة",
    "طقس",
    "عاصفة",
    "فيضان",
    "جفاف",
    "زلزال",
    "حريق",
    "إنقاذ",
    "مساعدات",
    "إغاثة",
    "لاجئين",
    "نازحين",
    "مخيم",
    "انتخابات",
    "مرشح",
    "حزب",
    "برنامج",
    "دستور",
    "قانون",
    "محكمة",
    "قاضي",
    "قرار",
    "حكم",
    "قضية",
    "تحقيق",
    "شرطة",
    "أمن",
    "سجن",
    "رياضة",
    "مباراة",
    "منتخب",
    "فريق",
    "لاعب",
    "مدرب",
    "بطولة",
    "كأس",
    "دوري",
    "هدف",
    "ملعب",
    "جمهور",
    "فوز",
    "خسارة",
    "تعادل",
    "ثقافة",
    "مهرجان",
    "فيلم",
    "كتاب",
    "معرض",
    "فنان",
    "موسيقى",
    "مسرح",
    "تراث",
    "متحف",
    "آثار",
    "سياحة",
    "فندق",
    "رحلة",
    "طيران",
    "مطار",
    "تكنولوجيا",
    "إنترنت",
    "هاتف",
    "تطبيق",
    "منصة",
    "بيانات",
    "ذكاء",
    "اصطناعي",
    "شبكة",
    "اتصالات",
    "فضاء",
    "قمر",
    "صناعي",
    "الأسبوع",
    "الشهر",
    "العام",
    "اليوم",
    "أمس",
    "مساء",
    "صباح",
    "ساعات",
    "أيام",
    "سنوات",
    "مرحلة",
    "خطة",
    "رؤية",
    "مبادرة",
    "برنامج",
    "قال",
    "أعلن",
    "أكد",
    "أوضح",
    "أشار",
    "أضاف",
    "كشف",
    "نفى",
    "طالب",
    "دعا",
    "رحب",
    "أدان",
    "حذر",
    "وافق",
    "رفض",
    "بحث",
    "ناقش",
    "استعرض",
    "تم",
    "جرى",
    "يأتي",
    "يشهد",
    "يواجه",
    "يعمل",
    "يسعى",
    "يهدف",
    "يتوقع",
    "يمكن",
    "يجب",
    "ينبغي",
    "تستمر",
    "تواصل",
    "تبدأ",
    "تنتهي",
    "جديد",
    "كبير",
    "صغير",
    "أول",
    "آخر",
    "عربي",
    "دولي",
    "إقليمي",
    "محلي",
    "وطني",
    "رسمي",
    "مشترك",
    "سياسي",
    "اقتصادي",
    "عسكري",
    "إنساني",
]

FUNCTION_WORDS = [
    "في",
    "من",
    "على",
    "إلى",
    "عن",
    "مع",
    "بين",
    "بعد",
    "قبل",
    "خلال",
    "حول",
    "ضد",
    "عند",
    "لدى",
    "منذ",
    "حتى",
    "أن",
    "إن",
    "كما",
    "التي",
    "الذي",
    "الذين",
    "هذا",
    "هذه",
    "ذلك",
    "تلك",
    "وقد",
    "قد",
    "لم",
    "لن",
    "لا",
    "ما",
    "كان",
    "كانت",
    "يكون",
    "هو",
    "هي",
    "هم",
    "ثم",
    "أو",
    "أي",
    "كل",
    "بعض",
    "عدة",
]

NAMES = [
    "مصر",
    "السعودية",
    "الإمارات",
    "قطر",
    "الكويت",
    "البحرين",
    "عمان",
    "الأردن",
    "لبنان",
    "سوريا",
    "العراق",
    "فلسطين",
    "اليمن",
    "السودان",
    "ليبيا",
    "تونس",
    "الجزائر",
    "المغرب",
    "موريتانيا",
    "تركيا",
    "إيران",
    "روسيا",
    "الصين",
    "فرنسا",
    "ألمانيا",
    "بريطانيا",
    "أمريكا",
    "واشنطن",
    "موسكو",
    "بكين",
    "باريس",
    "لندن",
    "القاهرة",
    "الرياض",
    "دبي",
    "الدوحة",
    "بيروت",
    "دمشق",
    "بغداد",
    "عمان",
    "غزة",
    "القدس",
    "الخرطوم",
    "طرابلس",
    "تونس",
    "الرباط",
    "أنقرة",
    "طهران",
    "جنيف",
    "نيويورك",
    "بروكسل",
    "الأمم",
    "المتحدة",
    "الجامعة",
    "العربية",
    "الاتحاد",
    "الأوروبي",
    "صندوق",
    "النقد",
    "البنك",
    "الدولي",
    "منظمة",
    "الصحة",
]

PREFIXES = ("", "", "", "", "ال", "ال", "و", "وال", "ب", "بال", "ل", "لل", "ف")
SUFFIXES = ("", "", "", "", "ات", "ون", "ين", "ة", "ها", "هم", "ي", "يه")


def build_vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    """Inflected forms of the base words, shuffled; rank order gives a Zipf-like frequency."""
    forms = set(BASE_WORDS)
    while len(forms) < size:
        prefix, word = rng.choice(PREFIXES), rng.choice(BASE_WORDS)
        if word.startswith("ال"):
            prefix = prefix.replace("ال", "").replace("لل", "ل")
        forms.add(prefix + word + rng.choice(SUFFIXES))
    vocab = sorted(forms)
    rng.shuffle(vocab)
    return vocab


class ArticleGenerator:
    """Deterministic stream of article dicts in akhbar's JSON Lines shape."""

    OUTLETS = (
        "البوابة نيوز",
        "اليوم السابع",
        "الشروق",
        "سكاي نيوز عربية",
        "العربية",
        "الجزيرة نت",
        "القدس العربي",
        "عكاظ",
        "الخليج",
        "هسبريس",
        "الشرق الأوسط",
        "العربي الجديد",
        "روسيا اليوم",
        "فرانس 24",
        "بي بي سي عربي",
        "الأهرام",
    )

    def __init__(
        self,
        seed: int = 1,
        *,
        paragraphs: int = 7,
        words_per_paragraph: int = 40,
        vocabulary: Vocabulary = "written",
    ):
        self.rng = random.Random(seed)
        if vocabulary == "wordfreq":
            self.vocab, self.cum = wordfreq_vocabulary()
            self.function_rate = 0.0  # they are in the vocabulary, at their own frequency
        else:
            self.vocab = build_vocabulary(self.rng)
            # Zipf weights 1/(rank+1): common words dominate, rare words are rare.
            self.cum = list(accumulate(1.0 / (rank + 1) for rank in range(len(self.vocab))))
            self.function_rate = 0.30
        self.paragraphs = paragraphs
        self.words_per_paragraph = words_per_paragraph
        self.start = datetime(2023, 1, 1, tzinfo=UTC)

    def words(self, n: int) -> list[str]:
        content = self.rng.choices(self.vocab, cum_weights=self.cum, k=n)
        out = []
        function_rate = self.function_rate
        for i, word in enumerate(content):
            out.append(word)
            r = self.rng.random()
            if r < function_rate:
                out.append(self.rng.choice(FUNCTION_WORDS))
            elif r < function_rate + 0.06:
                out.append(self.rng.choice(NAMES))
            if i % 13 == 12:
                out[-1] += self.rng.choice(("،", ".", "،", "؛"))
        return out

    def article(self, i: int) -> dict[str, Any]:
        rng = self.rng
        # Inserted function words and names fill the rest of a paragraph.
        if self.function_rate:
            wpp = self.words_per_paragraph * 7 // 10
        else:
            wpp = round(self.words_per_paragraph / 1.06)
        paragraphs = [
            " ".join(self.words(rng.randint(wpp - 8, wpp + 8))) + "."
            for _ in range(self.paragraphs)
        ]
        outlet = rng.choice(self.OUTLETS)
        when = self.start + timedelta(minutes=7 * i + rng.randint(0, 6))
        return {
            "title": " ".join(self.words(rng.randint(6, 11))).rstrip("،.؛"),
            "body": "\n\n".join(paragraphs),
            "url": f"https://news{self.OUTLETS.index(outlet)}.example/a/{i}",
            "published_at": when.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
            "source": outlet,
            "tags": rng.sample(NAMES, 3),
            "language": "ar",
        }

    def __iter__(self) -> Iterator[dict[str, Any]]:
        i = 0
        while True:
            yield self.article(i)
            i += 1


@cache
def wordfreq_vocabulary(size: int = WORDFREQ_SIZE) -> tuple[list[str], list[float]]:
    """(words by falling frequency, cumulative frequencies): Arabic-letter words only."""
    import wordfreq  # a benchmark dependency (the dev extra), not one of akhbar's

    words = [
        w for w in wordfreq.top_n_list("ar", size * 2) if all("\u0621" <= c <= "\u064a" for c in w)
    ][:size]
    return words, list(accumulate(wordfreq.word_frequency(w, "ar") for w in words))
