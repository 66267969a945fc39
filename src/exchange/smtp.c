/*
 * smtp.c - one mail of the outbox to an SMTP relay through libcurl (see
 * smtp.h). libcurl speaks SMTP, STARTTLS and AUTH; this file builds the
 * message and maps the outcome to "try again" or "refused for good".
 */
#include "exchange/smtp.h"

#include <curl/curl.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/strbuf.h"
#include "core/text.h"

int mb_smtp_global_init(struct mb_error *err)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return mb_error_set(err, MB_EINTERNAL, "smtp", "libcurl could not start");
    return 0;
}

/* An address fit for a header and an SMTP command: printable ASCII
 * without spaces, angle brackets or quotes, one @ with text around it. */
static bool address_ok(const char *a)
{
    size_t n = strlen(a);
    if (n < 3 || n > 254)
        return false;
    for (size_t i = 0; i < n; i++)
        if (a[i] <= ' ' || a[i] > '~' || strchr("<>\"(),;:\\[]", a[i]))
            return false;
    const char *at = strchr(a, '@');
    return at && at > a && at[1] && !strchr(at + 1, '@');
}

static int read_credentials(struct mb_smtp *c, const char *path, struct mb_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return mb_error_set(err, MB_EINVAL, "--smtp-credentials", "cannot read %s: %s", path,
                            MB_ERRNO_TEXT(errno));
    char a[512] = "", b[512] = "";
    bool one = fgets(a, sizeof a, f) != NULL;
    bool two = one && fgets(b, sizeof b, f) != NULL;
    fclose(f);
    a[strcspn(a, "\r\n")] = '\0';
    b[strcspn(b, "\r\n")] = '\0';
    if (!two || b[0] == '\0') {
        char *colon = strchr(a, ':');
        if (!colon)
            return mb_error_set(err, MB_EINVAL, "--smtp-credentials", "%s must hold the user "
                                "on its first line and the password on its second (or "
                                "user:password)", path);
        *colon = '\0';
        mb_text_copy(b, sizeof b, colon + 1);
    }
    if (a[0] == '\0' || b[0] == '\0' || !mb_text_copy(c->user, sizeof c->user, a) ||
        !mb_text_copy(c->password, sizeof c->password, b))
        return mb_error_set(err, MB_EINVAL, "--smtp-credentials", "%s: the user or the "
                            "password is empty or too long", path);
    return 0;
}

int mb_smtp_config(struct mb_smtp *c, const char *hostport, const char *from,
                   const char *credentials_file, const char *tls, const char *ca_file,
                   struct mb_error *err)
{
    memset(c, 0, sizeof *c);
    const char *colon = hostport ? strrchr(hostport, ':') : NULL;
    char *end;
    long port = colon ? strtol(colon + 1, &end, 10) : 0;
    size_t hl = colon ? (size_t)(colon - hostport) : 0;
    if (!colon || hl == 0 || hl >= sizeof c->host || *end != '\0' || port < 1 || port > 65535)
        return mb_error_set(err, MB_EINVAL, "--smtp", "'%s' is not HOST:PORT (e.g. "
                            "smtp.example.no:587)", hostport ? hostport : "");
    memcpy(c->host, hostport, hl);
    c->host[hl] = '\0';
    for (size_t i = 0; i < hl; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-[]:",
                    c->host[i]))
            return mb_error_set(err, MB_EINVAL, "--smtp", "'%s' is not a host name", c->host);
    if (!tls || strcmp(tls, "starttls") == 0)
        c->tls = MB_SMTP_STARTTLS;
    else if (strcmp(tls, "tls") == 0)
        c->tls = MB_SMTP_TLS;
    else if (strcmp(tls, "none") == 0)
        c->tls = MB_SMTP_PLAIN;
    else
        return mb_error_set(err, MB_EINVAL, "--smtp-tls", "'%s' is not starttls, tls or none",
                            tls);
    snprintf(c->url, sizeof c->url, "%s://%s:%ld", c->tls == MB_SMTP_TLS ? "smtps" : "smtp",
             c->host, port);
    if (!from || !address_ok(from) || !mb_text_copy(c->from, sizeof c->from, from))
        return mb_error_set(err, MB_EINVAL, "--smtp-from", "'%s' is not an e-mail address",
                            from ? from : "");
    if (credentials_file && read_credentials(c, credentials_file, err) != 0)
        return err->code;
    if (c->user[0] && c->tls == MB_SMTP_PLAIN)
        return mb_error_set(err, MB_EINVAL, "--smtp-tls", "credentials are never sent "
                            "without TLS; use starttls or tls");
    if (ca_file && !mb_text_copy(c->ca_file, sizeof c->ca_file, ca_file))
        return mb_error_set(err, MB_EINVAL, "--smtp-ca", "the path is too long");
    return 0;
}

/* Base64 of n bytes of s in lines of 76 characters, CRLF after each. */
static void base64_lines(struct mb_strbuf *b, const char *s, size_t n)
{
    for (size_t at = 0; at < n; at += 57) {
        size_t k = n - at < 57 ? n - at : 57;
        char line[80];
        sodium_bin2base64(line, sizeof line, (const unsigned char *)s + at, k,
                          sodium_base64_VARIANT_ORIGINAL);
        mb_strbuf_addf(b, "%s\r\n", line);
    }
}

/* A header value of UTF-8 text as RFC 2047 encoded words, each under the
 * 75-character limit, cut between characters. */
static void encoded_words(struct mb_strbuf *b, const char *s)
{
    size_t n = strlen(s), at = 0;
    bool first = true;
    while (at < n) {
        /* 39 bytes: 52 of base64, so "Subject: " and the word fit in
         * 78 characters. */
        size_t k = n - at < 39 ? n - at : 39;
        while (at + k < n && ((unsigned char)s[at + k] & 0xC0) == 0x80)
            k--;
        char word[80];
        sodium_bin2base64(word, sizeof word, (const unsigned char *)s + at, k,
                          sodium_base64_VARIANT_ORIGINAL);
        mb_strbuf_addf(b, "%s=?UTF-8?B?%s?=", first ? "" : "\r\n ", word);
        first = false;
        at += k;
    }
}

char *mb_smtp_message(const struct mb_smtp *c, const struct mb_mail *m, struct mb_error *err)
{
    if (!address_ok(m->to)) {
        mb_error_set(err, MB_EINVAL, "to", "'%s' is not an address a mail can go to", m->to);
        return NULL;
    }
    if (mb_text_has_control(m->unsubscribe, strlen(m->unsubscribe), false) ||
        strchr(m->unsubscribe, '>') || strchr(m->unsubscribe, ' ')) {
        mb_error_set(err, MB_EINVAL, "unsubscribe", "the unsubscribe link holds a character "
                     "a header cannot");
        return NULL;
    }
    char date[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    const char *domain = strchr(c->from, '@') + 1;
    struct mb_strbuf b = { 0 };
    mb_strbuf_addf(&b, "Date: %s\r\nFrom: massebank <%s>\r\nTo: <%s>\r\nSubject: ", date,
                   c->from, m->to);
    encoded_words(&b, m->subject ? m->subject : "");
    mb_strbuf_addf(&b, "\r\nMessage-ID: <outbox-%lld-%lld@%s>\r\n", (long long)m->id,
                   (long long)m->created, domain);
    mb_strbuf_adds(&b, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                   "Content-Transfer-Encoding: base64\r\nAuto-Submitted: auto-generated\r\n");
    if (m->unsubscribe[0])
        mb_strbuf_addf(&b, "List-Unsubscribe: <%s>\r\nList-Unsubscribe-Post: "
                       "List-Unsubscribe=One-Click\r\n", m->unsubscribe);
    mb_strbuf_adds(&b, "\r\n");
    /* The body with CRLF line ends, then base64. */
    struct mb_strbuf text = { 0 };
    for (const char *p = m->body ? m->body : ""; *p; p++) {
        if (*p == '\n' && (p == m->body || p[-1] != '\r'))
            mb_strbuf_add(&text, "\r", 1);
        mb_strbuf_add(&text, p, 1);
    }
    base64_lines(&b, text.s ? text.s : "", text.len);
    mb_strbuf_release(&text);
    return mb_strbuf_take(&b);
}

struct upload {
    const char *data;
    size_t len, at;
};

static size_t read_cb(char *buf, size_t size, size_t nitems, void *arg)
{
    struct upload *u = arg;
    size_t room = size * nitems, left = u->len - u->at;
    size_t k = left < room ? left : room;
    memcpy(buf, u->data + u->at, k);
    u->at += k;
    return k;
}

int mb_smtp_send(const struct mb_smtp *c, const struct mb_mail *m, bool *permanent,
                 struct mb_error *err)
{
    *permanent = false;
    char *msg = mb_smtp_message(c, m, err);
    if (!msg) {
        *permanent = true;
        return err->code;
    }
    CURL *h = curl_easy_init();
    if (!h) {
        free(msg);
        return mb_error_set(err, MB_EINTERNAL, "smtp", "libcurl could not make a handle");
    }
    char from[140], to[140], errbuf[CURL_ERROR_SIZE] = "";
    snprintf(from, sizeof from, "<%s>", c->from);
    snprintf(to, sizeof to, "<%s>", m->to);
    struct curl_slist *rcpt = curl_slist_append(NULL, to);
    struct upload up = { msg, strlen(msg), 0 };
    curl_easy_setopt(h, CURLOPT_URL, c->url);
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(h, CURLOPT_READDATA, &up);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 15L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    if (c->tls != MB_SMTP_PLAIN)
        curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    if (c->ca_file[0])
        curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
    if (c->user[0]) {
        curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, c->password);
    }
    CURLcode cc = curl_easy_perform(h);
    long reply = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(h);
    free(msg);
    if (cc == CURLE_OK)
        return 0;
    /* For good only when the relay refuses the recipient (5xx to RCPT:
     * no such mailbox). Any other refusal (a login, MAIL FROM, relaying
     * denied) is the configuration's fault and is tried again, at
     * growing intervals, once it may have been mended. */
    *permanent = reply >= 500 && reply < 600 && cc != CURLE_LOGIN_DENIED &&
                 strstr(errbuf, "RCPT") != NULL;
    return mb_error_set(err, MB_EIO, "smtp", "%s%s%s (reply %ld)", curl_easy_strerror(cc),
                        errbuf[0] ? ": " : "", errbuf, reply);
}
