/*
 * orgnr.h - Norwegian organisation numbers (Enhetsregisteret,
 * Brønnøysundregistrene): nine digits whose last is a modulus 11 check
 * digit over the first eight with the weights 3 2 7 6 5 4 3 2. A number
 * whose check digit would be 10 is never issued, nor one below 800 000 000.
 */
#ifndef MB_DOMAIN_ORGNR_H
#define MB_DOMAIN_ORGNR_H

#include <stdbool.h>

/* Nine digits with a valid check digit (no spaces: the caller removes
 * the ones people type, "923 609 016"). */
bool mb_orgnr_valid(const char *s);

/* Copy s into out (at least 10 bytes) without spaces; false when the
 * rest is not nine characters. */
bool mb_orgnr_compact(const char *s, char out[10]);

#endif
