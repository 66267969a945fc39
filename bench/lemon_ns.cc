// lemon_ns.cc - benchmark driver: solve a DIMACS minimum-cost flow file
// (written by `massebank plan --write-dimacs`) with LEMON's NetworkSimplex
// and print the optimum and the time, so bench/plan-bench can compare the
// planning engine with a dedicated network-flow code on the same instance.
// Not part of the product; built only by the benchmark.
#include <lemon/dimacs.h>
#include <lemon/list_graph.h>
#include <lemon/network_simplex.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::cerr << "usage: lemon_ns FILE.dimacs\n";
        return 2;
    }
    std::ifstream in(argv[1]);
    if (!in) {
        std::cerr << "cannot open " << argv[1] << "\n";
        return 1;
    }
    lemon::ListDigraph g;
    // Integers: flow in kg, cost in ore per tonne (see model.c).
    lemon::ListDigraph::ArcMap<long long> lower(g), cap(g), cost(g);
    lemon::ListDigraph::NodeMap<long long> supply(g);
    auto t0 = std::chrono::steady_clock::now();
    lemon::readDimacsMin(in, g, lower, cap, cost, supply);
    auto t1 = std::chrono::steady_clock::now();
    lemon::NetworkSimplex<lemon::ListDigraph, long long, long long> ns(g);
    ns.lowerMap(lower).upperMap(cap).costMap(cost).supplyMap(supply);
    auto result = ns.run();
    auto t2 = std::chrono::steady_clock::now();
    if (result != lemon::NetworkSimplex<lemon::ListDigraph, long long, long long>::OPTIMAL) {
        std::cerr << "not optimal (" << int(result) << ")\n";
        return 1;
    }
    // Total in ore x kg / t = NOK x 1e5.
    std::printf("nodes %d arcs %d read %.3f s solve %.3f s objective %.2f\n",
                lemon::countNodes(g), lemon::countArcs(g),
                std::chrono::duration<double>(t1 - t0).count(),
                std::chrono::duration<double>(t2 - t1).count(),
                (double)ns.totalCost<long double>() / 1e5);
    return 0;
}
