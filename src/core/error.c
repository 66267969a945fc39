/*
 * error.c - filling and naming error records (see error.h).
 */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void mb_error_clear(struct mb_error *err)
{
    if (!err)
        return;
    err->code = MB_OK;
    err->field[0] = '\0';
    err->message[0] = '\0';
}

int mb_error_set(struct mb_error *err, int code, const char *field,
                 const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    snprintf(err->field, sizeof err->field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    for (char *p = err->message; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return code;
}

void mb_error_prefix_field(struct mb_error *err, const char *prefix)
{
    if (!err || !prefix || !*prefix)
        return;
    char buf[sizeof err->field];
    if (err->field[0])
        snprintf(buf, sizeof buf, "%s, %s", prefix, err->field);
    else
        snprintf(buf, sizeof buf, "%s", prefix);
    memcpy(err->field, buf, sizeof buf);
}

const char *mb_error_name(int code)
{
    switch (code) {
    case MB_OK: return "ok";
    case MB_EINVAL: return "invalid";
    case MB_ENOTFOUND: return "not_found";
    case MB_EIO: return "io";
    case MB_EDATA: return "bad_data";
    case MB_EPROJ: return "projection";
    case MB_ECONFLICT: return "conflict";
    case MB_EBUSY: return "busy";
    case MB_EINTERNAL: return "internal";
    case MB_EFORBIDDEN: return "forbidden";
    case MB_ESTALE: return "precondition_failed";
    default: return "unknown";
    }
}

const char *mb_errno_text(int e, char *buf, size_t size)
{
    if (strerror_r(e, buf, size) != 0)
        snprintf(buf, size, "system error %d", e);
    return buf;
}
