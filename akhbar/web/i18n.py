"""The reader's UI strings: Arabic first, English as a switch (?lang=en or the `lang` cookie).

Every UI string goes through `Messages`; feed-supplied text (titles, outlet names, tags) never
does, it is shown as published. A test checks both catalogues have the same keys.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGS = ("ar", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "ar": {
        "site": "أخبار",
        "tagline": "مجمّع أخبار عربي",
        "home": "الرئيسية",
        "search": "بحث",
        "sources": "المصادر",
        "admin": "إدارة المصادر",
        "api": "واجهة البرمجة",
        "latest": "آخر الأخبار",
        "latest_stories": "أحدث القصص",
        "outlets_count": "عدد المصادر",
        "older": "الأقدم ←",
        "no_articles": "لا توجد مقالات بعد.",
        "filter": "تصفية",
        "country": "بلد المصدر",
        "any": "الكل",
        "tag": "الوسم",
        "source": "المصدر",
        "read_original": "اقرأ الخبر في مصدره",
        "tags": "الوسوم",
        "read_also": "اقرأ أيضاً",
        "same_story": "التغطية نفسها في مصادر أخرى",
        "also_published": "نُشر أيضاً في:",
        "undated": "تاريخ النشر غير معروف",
        "published": "نُشر",
        "mentions_per_day": "الإشارات يومياً",
        "seen_with": "وسوم تظهر معه",
        "articles_with_tag": "مقالات بهذا الوسم",
        "articles_count": "عدد المقالات",
        "story": "القصة",
        "story_articles": "مقالات القصة",
        "feeds": "الخلاصات",
        "feed_health": "حالة الخلاصات",
        "enabled": "مفعّلة",
        "disabled": "معطّلة",
        "enable": "تفعيل",
        "disable": "تعطيل",
        "failing": "متعثرة",
        "last_success": "آخر جلب ناجح",
        "last_error": "آخر خطأ",
        "never": "أبداً",
        "search_placeholder": "ابحث في الأخبار…",
        "search_help": "عبارة بين علامتي تنصيص، أو OR، أو استبعاد بـ -كلمة",
        "from": "من تاريخ",
        "to": "إلى تاريخ",
        "results": "النتائج",
        "no_results": "لا نتائج.",
        "next": "التالي ←",
        "previous": "→ السابق",
        "add_source": "إضافة مصدر",
        "url": "العنوان (URL)",
        "name": "الاسم (اختياري)",
        "add": "أضف",
        "poll_now": "اجلب الآن",
        "poll_started": "بدأ الجلب في الخلفية.",
        "source_added": "أضيف المصدر.",
        "login": "دخول",
        "logout": "خروج",
        "admin_token": "رمز الإدارة",
        "admin_disabled": "الإدارة معطّلة: لم يُضبط AKHBAR_ADMIN_TOKEN.",
        "bad_token": "رمز غير صحيح.",
        "theme": "تبديل المظهر",
        "language": "English",
        "feeds_out": "خلاصات",
        "error": "خطأ",
        "not_found": "الصفحة غير موجودة",
        "server_error": "حدث خطأ في الخادم",
        "api_docs": "توثيق واجهة البرمجة",
        "method": "الطريقة",
        "path": "المسار",
        "description": "الوصف",
        "auth_required": "يتطلب رمز الإدارة",
        "health_ok": "سليمة",
        "demo_note": "",
    },
    "en": {
        "site": "Akhbar",
        "tagline": "Arabic news aggregator",
        "home": "Home",
        "search": "Search",
        "sources": "Sources",
        "admin": "Manage sources",
        "api": "API",
        "latest": "Latest news",
        "latest_stories": "Latest stories",
        "outlets_count": "Outlets",
        "older": "Older →",
        "no_articles": "No articles yet.",
        "filter": "Filter",
        "country": "Outlet country",
        "any": "All",
        "tag": "Tag",
        "source": "Source",
        "read_original": "Read at the source",
        "tags": "Tags",
        "read_also": "Read also",
        "same_story": "Same story in other outlets",
        "also_published": "Also published in:",
        "undated": "Publication date unknown",
        "published": "Published",
        "mentions_per_day": "Mentions per day",
        "seen_with": "Tags seen with it",
        "articles_with_tag": "Articles with this tag",
        "articles_count": "Articles",
        "story": "Story",
        "story_articles": "Articles in this story",
        "feeds": "Feeds",
        "feed_health": "Feed health",
        "enabled": "enabled",
        "disabled": "disabled",
        "enable": "Enable",
        "disable": "Disable",
        "failing": "failing",
        "last_success": "Last success",
        "last_error": "Last error",
        "never": "never",
        "search_placeholder": "Search the news…",
        "search_help": '"a phrase", a OR b, -excluded',
        "from": "From",
        "to": "To",
        "results": "Results",
        "no_results": "No results.",
        "next": "Next →",
        "previous": "← Previous",
        "add_source": "Add a source",
        "url": "URL",
        "name": "Name (optional)",
        "add": "Add",
        "poll_now": "Poll now",
        "poll_started": "Polling started in the background.",
        "source_added": "Source added.",
        "login": "Log in",
        "logout": "Log out",
        "admin_token": "Admin token",
        "admin_disabled": "Administration is off: AKHBAR_ADMIN_TOKEN is not set.",
        "bad_token": "Wrong token.",
        "theme": "Toggle theme",
        "language": "العربية",
        "feeds_out": "Feeds",
        "error": "Error",
        "not_found": "Page not found",
        "server_error": "Server error",
        "api_docs": "API documentation",
        "method": "Method",
        "path": "Path",
        "description": "Description",
        "auth_required": "requires the admin token",
        "health_ok": "healthy",
        "demo_note": "",
    },
}


@dataclass(frozen=True, slots=True)
class Messages:
    lang: str

    @property
    def dir(self) -> str:
        return "rtl" if self.lang == "ar" else "ltr"

    @property
    def other_lang(self) -> str:
        return "en" if self.lang == "ar" else "ar"

    def __call__(self, key: str) -> str:
        # A missing key is a bug a test catches; show the key rather than fail the page.
        return MESSAGES[self.lang].get(key, key)


def pick_lang(query_value: str | None, cookie_value: str | None) -> str:
    for value in (query_value, cookie_value):
        if value in LANGS:
            return value
    return "ar"
