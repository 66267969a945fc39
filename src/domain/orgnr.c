/*
 * orgnr.c - the check digit of Norwegian organisation numbers (see
 * orgnr.h).
 */
#include "domain/orgnr.h"

#include <string.h>

bool mb_orgnr_valid(const char *s)
{
    if (!s || strlen(s) != 9)
        return false;
    static const int w[8] = { 3, 2, 7, 6, 5, 4, 3, 2 };
    for (int i = 0; i < 9; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    /* Enhetsregisteret issues numbers from 800 000 000 up. */
    if (s[0] != '8' && s[0] != '9')
        return false;
    int sum = 0;
    for (int i = 0; i < 8; i++)
        sum += (s[i] - '0') * w[i];
    int check = 11 - sum % 11;
    if (check == 11)
        check = 0;
    return check != 10 && check == s[8] - '0';
}

bool mb_orgnr_compact(const char *s, char out[10])
{
    size_t o = 0;
    for (; s && *s; s++) {
        if (*s == ' ')
            continue;
        if (o == 9)
            return false;
        out[o++] = *s;
    }
    out[o] = '\0';
    return o == 9;
}
