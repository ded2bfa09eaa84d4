"""Extraction throughput: akhbar's extract_article vs. bare trafilatura on the same pages.

extract_article does more than trafilatura (decoding checks, its own metadata with times of
day, boilerplate pruning, language), so the figure that matters is the ratio: the target is
that all of it costs at most a fifth of trafilatura's own speed (ratio >= 0.8).

Pages are generated here with the structure of tests/data/pages (menu, byline, inline
"اقرأ أيضاً", related box, share bar, comments, footer, JSON-LD, meta keywords) and paragraphs
drawn from a pool of sentences written for this benchmark; a quarter are windows-1256.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import trafilatura

from akhbar.decode import decode_bytes
from akhbar.errors import ExtractionRejected
from akhbar.extract import extract_article
from benchmarks.common import Row

SIZES = {"quick": 30, "full": 200}
TARGET_RATIO = 0.8
READ_ALSO_MARK = "قراءة إضافية رقم"

SENTENCES = (
    "أعلنت الحكومة صباح اليوم حزمة إجراءات جديدة لدعم الأسر محدودة الدخل",
    "وقال المتحدث الرسمي إن القرار يدخل حيز التنفيذ مطلع الشهر المقبل",
    "وشهدت الأسواق المحلية ارتفاعاً ملحوظاً في أسعار الخضروات والفواكه",
    "وأكد خبراء أن الأزمة الحالية تتطلب تنسيقاً أكبر بين المؤسسات المعنية",
    "واستقبل الرئيس وفداً رفيع المستوى لبحث سبل تعزيز التعاون الثنائي",
    "وتواصل فرق الإنقاذ عمليات البحث عن مفقودين في المناطق المتضررة",
    "وأشار التقرير إلى تراجع معدلات البطالة بين الشباب خلال العام الماضي",
    "ودعت منظمات المجتمع المدني إلى إشراكها في صياغة القوانين الجديدة",
    "وسجلت محطات الرصد درجات حرارة تفوق المعدلات الموسمية بعدة درجات",
    "وافتتح الوزير مشروعاً لتحلية المياه يخدم أكثر من نصف مليون نسمة",
    "وتأهل المنتخب إلى الدور النهائي بعد فوز صعب في الوقت الإضافي",
    "وأطلقت الجامعة برنامجاً جديداً للمنح الدراسية في تخصصات التقنية",
    "وحذرت الأرصاد من رياح نشطة محملة بالأتربة على المناطق الساحلية",
    "وبلغت قيمة الصادرات الزراعية مستوى قياسياً في الربع الثالث",
    "ونظمت وزارة الثقافة أسبوعاً للفيلم العربي بمشاركة مخرجين شباب",
    "وناقش البرلمان مشروع قانون يتعلق بحماية البيانات الشخصية",
    "وأوضح مسؤول في البنك المركزي أن الاحتياطي الأجنبي ظل مستقراً",
    "وتعمل البلدية على توسعة الطرق الرئيسية لتخفيف الازدحام المروري",
    "وأفاد شهود عيان بأن الحركة عادت إلى طبيعتها في ساعات المساء",
    "ويرى محللون أن نتائج الانتخابات ستعيد رسم الخريطة السياسية",
    "وكشفت دراسة حديثة عن زيادة الإقبال على القراءة الرقمية",
    "ووقعت الشركتان اتفاقية لإنشاء مصنع للطاقة الشمسية في الجنوب",
    "وتستمر المفاوضات بين الطرفين وسط تفاؤل حذر بالتوصل إلى تسوية",
    "وأعلن المستشفى نجاح أول عملية من نوعها باستخدام تقنيات حديثة",
)  # fmt: skip
TOPICS = ("سياسة", "اقتصاد", "رياضة", "ثقافة", "صحة", "تقنية", "مجتمع", "بيئة")


def _paragraph(rng: random.Random) -> str:
    return "، ".join(rng.sample(SENTENCES, rng.randint(2, 4))) + "."


def make_page(index: int, rng: random.Random) -> str:
    """One article page with all the boilerplate our fixtures carry."""
    topic = rng.choice(TOPICS)
    title = f"{rng.choice(SENTENCES)} ({index})"
    paragraphs = [f"<p>{_paragraph(rng)}</p>" for _ in range(rng.randint(4, 9))]
    paragraphs.insert(
        2,
        f'<p><strong>اقرأ أيضاً:</strong> <a href="/n/{index + 1}">{READ_ALSO_MARK} {index}</a></p>',
    )
    related = "".join(
        f'<li><a href="/r/{index}/{k}">{rng.choice(SENTENCES)}</a></li>' for k in range(4)
    )
    comments = "".join(f'<div class="comment"><p>{_paragraph(rng)}</p></div>' for _ in range(3))
    published = f"2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T1{rng.randint(0, 9)}:30:00+03:00"
    menu = "".join(f'<li><a href="/{t}">{t}</a></li>' for t in TOPICS)
    return f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{title} | موقع الاختبار</title>
<meta name="keywords" content="{topic}, {rng.choice(TOPICS)}، أخبار">
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="{published}">
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle",
"headline": "{title}", "author": {{"@type": "Person", "name": "محرر {index}"}}}}</script>
</head><body>
<header><nav class="main-menu"><ul>{menu}</ul></nav></header>
<main><article><h1>{title}</h1><div class="byline">كتب: محرر {index}</div>
<div class="share-bar"><a href="#">فيسبوك</a> <a href="#">تويتر</a></div>
<div class="article-body">{"".join(paragraphs)}
<aside class="related-articles"><h3>أخبار ذات صلة</h3><ul>{related}</ul></aside></div>
</article><section id="comments"><h3>التعليقات</h3>{comments}</section></main>
<footer class="site-footer"><p>جميع الحقوق محفوظة لموقع الاختبار</p></footer>
</body></html>"""


def make_pages(count: int, seed: int = 7) -> list[bytes]:
    rng = random.Random(seed)
    pages: list[bytes] = []
    for index in range(count):
        html = make_page(index, rng)
        if index % 4 == 3:
            html = html.replace('<meta charset="utf-8">', '<meta charset="windows-1256">')
            pages.append(html.encode("cp1256"))
        else:
            pages.append(html.encode("utf-8"))
    return pages


def _ours(page: bytes, url: str) -> str:
    try:
        return extract_article(page, url=url).body
    except ExtractionRejected:
        return ""


def _bare(page: bytes, url: str) -> str:
    document = trafilatura.bare_extraction(
        page, url=url, with_metadata=True, favor_precision=True, include_comments=False
    )
    return str(getattr(document, "text", "") or "")


def _bare_fast(page: bytes, url: str) -> str:
    # trafilatura without its fallback extractors, as extract_article runs it on most pages:
    # the ratio above compares with the default (fallbacks on), this row shows what is left.
    document = trafilatura.bare_extraction(
        page, url=url, fast=True, with_metadata=True, favor_precision=True, include_comments=False
    )
    return str(getattr(document, "text", "") or "")


def _rate(
    extract: Callable[[bytes, str], str], pages: list[bytes], rounds: int
) -> tuple[float, list[str]]:
    """Best of `rounds` passes, in articles/s: the least disturbed pass is the fairest."""
    extract(pages[0], "https://bench.example/warmup")  # first call loads models and caches
    best = 0.0
    bodies: list[str] = []
    for _ in range(rounds):
        started = time.perf_counter()
        bodies = [extract(page, f"https://bench.example/{i}") for i, page in enumerate(pages)]
        best = max(best, len(pages) / (time.perf_counter() - started))
    return best, bodies


def _decode_ms(pages: list[bytes]) -> float:
    """Mean akhbar.decode.decode_bytes time per page, to show where extract_article's time goes."""
    started = time.perf_counter()
    for page in pages:
        decode_bytes(page)
    return (time.perf_counter() - started) * 1000 / len(pages)


def run(scale: str) -> list[Row]:
    pages = make_pages(SIZES.get(scale, SIZES["quick"]))
    rounds = 3 if scale == "full" else 1
    ours, our_bodies = _rate(_ours, pages, rounds)
    bare, bare_bodies = _rate(_bare, pages, rounds)
    bare_fast, _fast_bodies = _rate(_bare_fast, pages, rounds)
    ratio = ours / bare
    decode_ms = _decode_ms(pages)
    leaks = sum(READ_ALSO_MARK in body for body in our_bodies)
    bare_leaks = sum(READ_ALSO_MARK in body for body in bare_bodies)
    rejected = sum(not body for body in our_bodies)
    return [
        Row("extract", f"extract_article articles/s ({len(pages)} pages)", f"{ours:.0f}"),
        Row("extract", "trafilatura.bare_extraction articles/s", f"{bare:.0f}"),
        Row("extract", "trafilatura.bare_extraction fast=True articles/s", f"{bare_fast:.0f}"),
        Row(
            "extract",
            "speed ratio ours/bare",
            f"{ratio:.2f}",
            f">= {TARGET_RATIO}",
            ratio >= TARGET_RATIO,
        ),
        Row("extract", "of which decode_bytes ms/page", f"{decode_ms:.1f}"),
        Row("extract", "pages with read-also leak (ours)", str(leaks), "0", leaks == 0),
        Row("extract", "pages with read-also leak (bare trafilatura)", str(bare_leaks)),
        Row("extract", "pages rejected (ours)", str(rejected), "0", rejected == 0),
    ]


if __name__ == "__main__":
    for row in run("quick"):
        print(row)
