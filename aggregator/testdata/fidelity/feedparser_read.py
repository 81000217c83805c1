"""Print Python feedparser's reading of feed files as JSON, for
aggregator/fidelity_feedparser_test.go to compare with wirefeed's.

usage: /usr/bin/python3 feedparser_read.py BASE_URL FILE[\tCONTENT-TYPE]...

Each file is read as served from BASE_URL with the Content-Type given.

For each file, a list of entries: title, link, date (published, else
updated, as UTC "YYYY-MM-DDTHH:MM:SSZ", or null), authors (names, else
e-mail addresses), categories (terms), enclosures (URLs) and text (the
content's, else the summary's, HTML).
"""
import calendar
import json
import sys
import time

import feedparser


def utc(st):
    if not st:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(calendar.timegm(st)))


def entry(e):
    authors = []
    for a in e.get("authors") or []:
        name = (a.get("name") or a.get("email") or "").strip()
        if name and name not in authors:
            authors.append(name)
    text = ""
    if e.get("content"):
        text = e["content"][0].get("value", "")
    if not text:
        text = e.get("summary", "")
    return {
        "title": e.get("title", ""),
        "link": e.get("link", ""),
        "date": utc(e.get("published_parsed") or e.get("updated_parsed")),
        "authors": authors,
        "categories": [t.get("term") or "" for t in e.get("tags") or [] if (t.get("term") or "").strip()],
        "enclosures": [x.get("href") for x in e.get("enclosures") or [] if x.get("href")],
        "text": text,
    }


def main():
    base, files = sys.argv[1], sys.argv[2:]
    out = {}
    for arg in files:
        path, _, ctype = arg.partition("\t")
        with open(path, "rb") as f:
            data = f.read()
        headers = {"content-location": base}
        if ctype:
            headers["content-type"] = ctype
        d = feedparser.parse(data, response_headers=headers)
        out[path] = [entry(e) for e in d.entries]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
