/*
 * sampling.c - the recommended minimum number of sampling points by area
 * (see sampling.h for the rule and its status).
 */
#include "domain/sampling.h"

#include <math.h>

int mb_sampling_min_points(double area_m2)
{
    static const double pts[][2] = { { 500, 4 }, { 1000, 8 }, { 5000, 15 }, { 10000, 25 } };
    const int n = (int)(sizeof pts / sizeof *pts);
    if (!(area_m2 > pts[0][0]))
        return (int)pts[0][1];
    for (int i = 1; i < n; i++)
        if (area_m2 <= pts[i][0]) {
            double f = (area_m2 - pts[i - 1][0]) / (pts[i][0] - pts[i - 1][0]);
            return (int)ceil(pts[i - 1][1] + f * (pts[i][1] - pts[i - 1][1]) - 1e-9);
        }
    return (int)ceil(pts[n - 1][1] + (area_m2 - pts[n - 1][0]) / 1000 - 1e-9);
}
