"""Print the browser test's table (page, weight, checks) at the end of the pytest run."""
import book_browser


def pytest_terminal_summary(terminalreporter):
    results = [r for r in book_browser.RESULTS if r.page != "__selftest__"]
    book = [r for r in results if not r.page.startswith("selftest/")]
    if not book:
        return
    shared = book_browser.SHARED_BYTES.get("total", 0)
    terminalreporter.section("the book in a browser")
    terminalreporter.write_line(book_browser.report(book, shared))
    out = book_browser.write_report(book, shared, book_browser.html_root().parent / "screenshots")
    terminalreporter.write_line(f"screenshots and this report: {out.parent}")
