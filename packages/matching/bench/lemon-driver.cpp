// LEMON anchor for the matching benchmark: reads an instance file written by
// bench/instance-io.ts and solves the capacitated assignment (max served, then min cost)
// with LEMON's NetworkSimplex or CostScaling. Built by bench/anchors.ts:
//   g++ -O2 -std=c++14 lemon-driver.cpp -o lemon-driver   (LEMON's solvers are header-only)
// Usage: lemon-driver <instance.bin> <ns|cs> <warm runs>
// Each run builds the graph from the arrays and solves (timed together, as ours includes its
// input conversion); the first run is "cold", the median of the others "warm". Prints one
// JSON line like worker.ts.
//
// Network: resident r (supply 1) -> provider p (cap 1, cost c) -> T (cap capacity[p]);
// r -> T (cap 1, cost U) with U = (P + 1) * maxCost + 1, larger than any augmenting path's
// cost, so the minimum-cost flow serves the maximum number first. Costs are 64-bit integers
// (instance costs are integers), so U is exact.
#include <lemon/cost_scaling.h>
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

using Graph = lemon::SmartDigraph;
using Cost = long long;

struct Instance {
  int32_t R = 0, P = 0, A = 0;
  std::vector<int32_t> capacity, arcStart, arcProvider;
  std::vector<double> arcCost;
};

static Instance readInstance(const char* file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "Error: cannot read %s\n", file);
    std::exit(2);
  }
  Instance x;
  int32_t header[3];
  in.read(reinterpret_cast<char*>(header), sizeof header);
  x.R = header[0];
  x.P = header[1];
  x.A = header[2];
  x.capacity.resize(x.P);
  x.arcStart.resize(x.R + 1);
  x.arcProvider.resize(x.A);
  x.arcCost.resize(x.A);
  in.read(reinterpret_cast<char*>(x.capacity.data()), 4LL * x.P);
  in.read(reinterpret_cast<char*>(x.arcStart.data()), 4LL * (x.R + 1));
  in.read(reinterpret_cast<char*>(x.arcProvider.data()), 4LL * x.A);
  long long intBytes = 12 + 4LL * x.P + 4LL * (x.R + 1) + 4LL * x.A;
  long long padding = (8 - intBytes % 8) % 8;
  in.seekg(intBytes + padding);
  in.read(reinterpret_cast<char*>(x.arcCost.data()), 8LL * x.A);
  if (!in) {
    std::fprintf(stderr, "Error: truncated instance %s\n", file);
    std::exit(2);
  }
  return x;
}

struct Outcome {
  long long served = 0;
  double objective = 0;
  const char* status = "";
};

template <typename Solver>
static Outcome solve(const Instance& x) {
  Graph g;
  g.reserveNode(x.R + x.P + 1);
  g.reserveArc(x.A + x.P + x.R);
  std::vector<Graph::Node> nodes;
  nodes.reserve(x.R + x.P + 1);
  for (int i = 0; i < x.R + x.P + 1; i++) nodes.push_back(g.addNode());
  const Graph::Node T = nodes[x.R + x.P];
  Graph::ArcMap<int> cap(g);
  Graph::ArcMap<Cost> cost(g);
  Graph::NodeMap<int> supply(g, 0);
  Cost maxCost = 0;
  for (int a = 0; a < x.A; a++) maxCost = std::max(maxCost, static_cast<Cost>(std::llround(x.arcCost[a])));
  const Cost U = (static_cast<Cost>(x.P) + 1) * maxCost + 1;
  std::vector<Graph::Arc> unservedArc(x.R);
  for (int r = 0; r < x.R; r++) {
    for (int a = x.arcStart[r]; a < x.arcStart[r + 1]; a++) {
      Graph::Arc arc = g.addArc(nodes[r], nodes[x.R + x.arcProvider[a]]);
      cap[arc] = 1;
      cost[arc] = std::llround(x.arcCost[a]);
    }
    Graph::Arc u = g.addArc(nodes[r], T);
    cap[u] = 1;
    cost[u] = U;
    unservedArc[r] = u;
    supply[nodes[r]] = 1;
  }
  for (int p = 0; p < x.P; p++) {
    Graph::Arc arc = g.addArc(nodes[x.R + p], T);
    cap[arc] = x.capacity[p];
    cost[arc] = 0;
  }
  supply[T] = -x.R;
  Solver solver(g);
  solver.upperMap(cap).costMap(cost).supplyMap(supply);
  Outcome out;
  typename Solver::ProblemType result = solver.run();
  if (result != Solver::OPTIMAL) {
    out.status = "not optimal";
    return out;
  }
  out.status = "Optimal";
  long long unserved = 0;
  for (int r = 0; r < x.R; r++) unserved += solver.flow(unservedArc[r]);
  out.served = x.R - unserved;
  // Objective: the instance's own costs of the arcs used.
  double objective = 0;
  int arcIndex = 0;
  for (int r = 0; r < x.R; r++) {
    for (int a = x.arcStart[r]; a < x.arcStart[r + 1]; a++) {
      Graph::Arc arc = g.arcFromId(arcIndex++);
      if (solver.flow(arc) > 0) objective += x.arcCost[a];
    }
    arcIndex++;  // the unserved arc
  }
  out.objective = objective;
  return out;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "Error: usage: lemon-driver <instance.bin> <ns|cs> [warm runs]\n");
    return 2;
  }
  const Instance x = readInstance(argv[1]);
  const std::string method = argv[2];
  const int warmRuns = argc > 3 ? std::max(0, std::atoi(argv[3])) : 1;
  std::vector<double> times;
  Outcome first, last;
  for (int run = 0; run <= warmRuns; run++) {
    auto t0 = std::chrono::steady_clock::now();
    Outcome o = method == "cs" ? solve<lemon::CostScaling<Graph, int, Cost>>(x)
                               : solve<lemon::NetworkSimplex<Graph, int, Cost>>(x);
    auto t1 = std::chrono::steady_clock::now();
    times.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    if (std::strcmp(o.status, "Optimal") != 0) {
      std::fprintf(stderr, "Error: LEMON status %s\n", o.status);
      return 1;
    }
    if (run == 0) first = o;
    else if (o.served != first.served || o.objective != first.objective) {
      std::fprintf(stderr, "Error: LEMON is not deterministic\n");
      return 1;
    }
    last = o;
  }
  const double coldMs = times[0];
  std::vector<double> warm(times.begin() + 1, times.end());
  std::sort(warm.begin(), warm.end());
  const double ms = warm.empty() ? coldMs : warm[(warm.size() - 1) / 2];
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  std::string list, json;
  for (size_t i = 1; i < times.size(); i++) {
    list += (i > 1 ? "/" : "") + std::to_string(static_cast<long long>(std::llround(times[i])));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%.3f", i > 1 ? "," : "", times[i]);
    json += buf;
  }
  std::printf(
      "{\"ms\":%.3f,\"coldMs\":%.3f,\"warmRuns\":%d,\"warmTimes\":[%s],\"served\":%lld,\"objective\":%.17g,\"peakMb\":%.1f,\"baseMb\":0,"
      "\"detail\":\"%s, cold %lld ms; warm %s ms\"}\n",
      ms, coldMs, warmRuns, json.c_str(), last.served, last.objective, usage.ru_maxrss / 1024.0,
      method == "cs" ? "LEMON CostScaling" : "LEMON NetworkSimplex", static_cast<long long>(std::llround(coldMs)), list.c_str());
  return 0;
}
