#!/usr/bin/env python3
"""Independent shortest-path lengths for the cross-check test (tests/crosscheck.rs).

Reads the edge list written by `schoolrun network export --csv` and a CSV of junction pairs
(from_node, to_node), builds the graph of one travel mode with networkx, and writes
from_node, to_node, length_m (empty when unreachable) for every pair, using networkx's own
Dijkstra. Nothing of schoolrun's routing code is used: only the exported numbers.

Modes: walk (edges with walk_safe = yes, both directions), walk-ignoring-safety (walk = yes),
drive (drive = yes; oneway yes = from_node to to_node only, -1 = the reverse).

usage: crosscheck_networkx.py EDGES.csv PAIRS.csv MODE OUT.csv
"""

import csv
import sys

import networkx as nx


def main(edges_path, pairs_path, mode, out_path):
    g = nx.DiGraph()
    nodes = 0

    def arc(u, v, length):
        # Parallel edges between two junctions: the shorter counts.
        if g.has_edge(u, v) and g[u][v]["length"] <= length:
            return
        g.add_edge(u, v, length=length)

    with open(edges_path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            u, v = int(row["from_node"]), int(row["to_node"])
            nodes = max(nodes, u + 1, v + 1)
            length = float(row["length_m"])
            if mode == "walk":
                usable, forward, backward = row["walk_safe"] == "yes", True, True
            elif mode == "walk-ignoring-safety":
                usable, forward, backward = row["walk"] == "yes", True, True
            elif mode == "drive":
                usable = row["drive"] == "yes"
                forward = row["oneway"] in ("no", "yes")
                backward = row["oneway"] in ("no", "-1")
            else:
                sys.exit(f"unknown mode {mode}")
            if not usable:
                continue
            if forward:
                arc(u, v, length)
            if backward:
                arc(v, u, length)
    g.add_nodes_from(range(nodes))
    with open(pairs_path, newline="", encoding="utf-8") as f:
        pairs = [(int(r["from_node"]), int(r["to_node"])) for r in csv.DictReader(f)]
    # Distances to each destination: Dijkstra from it on the reversed graph.
    back = g.reverse(copy=False)
    to_target = {}
    with open(out_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["from_node", "to_node", "length_m"])
        for u, v in pairs:
            if v not in to_target:
                to_target[v] = nx.single_source_dijkstra_path_length(back, v, weight="length")
            d = to_target[v].get(u)
            w.writerow([u, v, "" if d is None else repr(d)])
    print(f"networkx {nx.__version__}: {len(pairs)} pairs, {len(to_target)} destinations, "
          f"{g.number_of_nodes()} nodes, {g.number_of_edges()} arcs ({mode})")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
