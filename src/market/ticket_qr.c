/*
 * ticket_qr.c - a load ticket's QR code as SVG (see deal.h,
 * mb_ticket_qr_svg). libqrencode makes the module matrix; the SVG is one
 * path of unit squares, merged into horizontal runs, with the quiet zone
 * of 4 modules that ISO/IEC 18004 asks for, so any phone camera or
 * roadside scanner reads it at any size.
 */
#include "market/deal.h"

#include <errno.h>
#include <qrencode.h>
#include <string.h>

#include "core/strbuf.h"

#define QUIET 4

int mb_ticket_qr_svg(const char *text, char **svg, size_t *len, struct mb_error *err)
{
    *svg = NULL;
    *len = 0;
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr)
        return mb_error_set(err, errno == ERANGE ? MB_EINVAL : MB_EIO, "code",
                            "the QR code could not be made: %s", MB_ERRNO_TEXT(errno));
    int w = qr->width, size = w + 2 * QUIET;
    struct mb_strbuf b = { 0 };
    mb_strbuf_addf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                   "shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" "
                   "fill=\"#fff\"/><path fill=\"#000\" d=\"", size, size, size, size);
    for (int y = 0; y < w; y++) {
        for (int x = 0; x < w;) {
            /* Bit 0 of a module is dark (qrencode.h). */
            if (!(qr->data[y * w + x] & 1)) {
                x++;
                continue;
            }
            int run = 1;
            while (x + run < w && (qr->data[y * w + x + run] & 1))
                run++;
            mb_strbuf_addf(&b, "M%d %dh%dv1h-%dz", x + QUIET, y + QUIET, run, run);
            x += run;
        }
    }
    mb_strbuf_adds(&b, "\"/></svg>\n");
    QRcode_free(qr);
    *len = b.len;
    *svg = mb_strbuf_take(&b);
    return 0;
}
