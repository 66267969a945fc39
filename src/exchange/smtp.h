/*
 * smtp.h - sending a mail of the outbox through an SMTP relay (libcurl):
 * STARTTLS by default (the relay must offer it), credentials from a
 * file, the message built here (RFC 5322 headers, the subject encoded
 * as RFC 2047 UTF-8, a base64 text/plain UTF-8 body, List-Unsubscribe
 * with one-click POST as RFC 8058 asks, and a Message-ID made from the
 * outbox row, so a relay or reader can tell a mail sent twice).
 */
#ifndef MB_EXCHANGE_SMTP_H
#define MB_EXCHANGE_SMTP_H

#include <stdbool.h>

#include "core/error.h"
#include "store/store.h"

enum mb_smtp_tls {
    MB_SMTP_STARTTLS, /* plain connection upgraded with STARTTLS; refused without it */
    MB_SMTP_TLS,      /* TLS from the first byte (smtps, port 465) */
    MB_SMTP_PLAIN,    /* no TLS: only for a relay on the same host */
};

struct mb_smtp {
    char url[300];        /* smtp://host:port or smtps://host:port */
    char host[256];
    char from[128];       /* the sender's address */
    char user[128];       /* "" for none */
    char password[256];
    enum mb_smtp_tls tls;
    char ca_file[512];    /* certificates to trust ("" for the system's) */
};

/* Call once before any thread sends (curl_global_init). */
int mb_smtp_global_init(struct mb_error *err);

/* Fill *c from "HOST:PORT", the sender address, a credentials file (NULL
 * for none: its first line "user", its second "password"; or one line
 * "user:password"), the TLS mode ("starttls", "tls" or "none"; NULL for
 * starttls) and a CA file (NULL for the system's). MB_EINVAL naming the
 * option otherwise. */
int mb_smtp_config(struct mb_smtp *c, const char *hostport, const char *from,
                   const char *credentials_file, const char *tls, const char *ca_file,
                   struct mb_error *err);

/* The message text of mail m (headers and body, CRLF line ends);
 * malloc'ed. NULL when an address or link holds a character a header
 * cannot (err says which). */
char *mb_smtp_message(const struct mb_smtp *c, const struct mb_mail *m, struct mb_error *err);

/* Send m. On failure *permanent tells whether the relay refused it for
 * good (a 5xx reply: no such mailbox) or it may be tried again later. */
int mb_smtp_send(const struct mb_smtp *c, const struct mb_mail *m, bool *permanent,
                 struct mb_error *err);

#endif
