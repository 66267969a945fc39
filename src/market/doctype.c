/*
 * doctype.c - document types by content (see doctype.h).
 */
#include "market/doctype.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "core/text.h"

static bool starts(const unsigned char *d, size_t len, const char *sig, size_t n)
{
    return len >= n && memcmp(d, sig, n) == 0;
}

/* Text: UTF-8 (a byte-order mark allowed) without control characters
 * but tab, line feed, carriage return and form feed. */
static bool is_text(const unsigned char *d, size_t len)
{
    if (!mb_utf8_valid((const char *)d, len, NULL))
        return false;
    for (size_t i = 0; i < len; i++)
        if ((d[i] < 0x20 && d[i] != '\t' && d[i] != '\n' && d[i] != '\r' && d[i] != '\f') ||
            d[i] == 0x7f)
            return false;
    return true;
}

const char *mb_doctype_sniff(const void *data, size_t len)
{
    const unsigned char *d = data;
    if (starts(d, len, "%PDF-", 5))
        return "a PDF document";
    if (starts(d, len, "\x89PNG\r\n\x1a\n", 8))
        return "a PNG image";
    if (starts(d, len, "\xff\xd8\xff", 3))
        return "a JPEG image";
    if (starts(d, len, "PK\x03\x04", 4))
        return "a ZIP archive (or an XLSX spreadsheet)";
    if (starts(d, len, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8))
        return "an old Office file (XLS)";
    if (starts(d, len, "GIF8", 4))
        return "a GIF image";
    if (starts(d, len, "MZ", 2) || starts(d, len, "\x7f" "ELF", 4))
        return "a program";
    return is_text(d, len) ? "text" : "binary data";
}

struct type_rule {
    const char *mime;
    const char *looks;   /* what mb_doctype_sniff must say */
    bool photo, lab;     /* fits the kind photo / lab_report */
};

static const struct type_rule rules[] = {
    { "application/pdf", "a PDF document", false, true },
    { "image/png", "a PNG image", true, false },
    { "image/jpeg", "a JPEG image", true, false },
    { "text/plain", "text", false, true },
    { "text/csv", "text", false, true },
    { "application/json", "text", false, false },
    { "application/xml", "text", false, false },
    { "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "a ZIP archive (or an XLSX spreadsheet)", false, true },
    { "application/zip", "a ZIP archive (or an XLSX spreadsheet)", false, false },
    { "application/vnd.ms-excel", "an old Office file (XLS)", false, true },
};

int mb_doctype_check(const char *mime, const char *kind, const void *data, size_t len,
                     struct mb_error *err)
{
    const struct type_rule *r = NULL;
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (strcasecmp(rules[i].mime, mime) == 0)
            r = &rules[i];
    if (!r)
        return mb_error_set(err, MB_EINVAL, "Content-Type", "documents may be PDF, PNG, JPEG, "
                            "text, CSV, JSON, XML, Excel or ZIP");
    const char *looks = mb_doctype_sniff(data, len);
    if (strcmp(looks, r->looks) != 0)
        return mb_error_set(err, MB_EINVAL, "body", "the file is sent as %s, but its content "
                            "is %s", r->mime, looks);
    if (strcmp(kind, "photo") == 0 && !r->photo)
        return mb_error_set(err, MB_EINVAL, "kind", "a photo is a PNG or JPEG image, not %s",
                            looks);
    if (strcmp(kind, "lab_report") == 0 && !r->lab)
        return mb_error_set(err, MB_EINVAL, "kind", "a lab report is a PDF, CSV, text or "
                            "spreadsheet file, not %s", looks);
    if (strcmp(kind, "photo") != 0 && strcmp(kind, "lab_report") != 0 &&
        strcmp(kind, "permit") != 0 && strcmp(kind, "other") != 0)
        return mb_error_set(err, MB_EINVAL, "kind", "must be photo, lab_report, permit or "
                            "other");
    return 0;
}
