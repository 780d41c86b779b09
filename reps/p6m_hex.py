#!/usr/bin/env python3
"""Writes the .rep file of p6m acting on the n x n hexagonal torus.

    python3 reps/p6m_hex.py N > p6m_hexN.rep

Point a*e1 + b*e2 of the triangular lattice (e1 = (1, 0), e2 = (1/2, sqrt(3)/2)),
taken mod N in both coordinates, is basis vector a*N + b of `pts`. Generators:
tx, ty the two unit translations, r the turn by 60 degrees about point 0
(e1 -> e2, e2 -> e2 - e1, so (a, b) -> (-b, a + b)), m the mirror in the e1
axis (e2 -> e1 - e2, so (a, b) -> (a + b, -b)). Both linear maps are
integer matrices of determinant +-1, so they act on the torus. `vec` is the
plane: the translations act trivially, r by the rotation by 60 degrees, m by
diag(1, -1). The group has 12 N^2 elements.
"""
import sys


def perm(n, f):
    return [f(a, b)[0] % n * n + f(a, b)[1] % n for a in range(n) for b in range(n)]


def main():
    if len(sys.argv) != 2 or not sys.argv[1].isdigit() or int(sys.argv[1]) < 1:
        sys.exit("usage: p6m_hex.py N")
    n = int(sys.argv[1])
    maps = {"tx": lambda a, b: (a + 1, b), "ty": lambda a, b: (a, b + 1),
            "r": lambda a, b: (-b, a + b), "m": lambda a, b: (a + b, -b)}
    print(f"# p6m on the {n}x{n} hexagonal torus (written by reps/p6m_hex.py {n}).")
    print("# pts: point (a, b) = a*e1 + b*e2 is index a*%d + b; vec: the plane." % n)
    print(f"group p6m_hex{n}")
    print("generators " + " ".join(maps))
    print(f"\nrep pts {n * n}")
    for name, f in maps.items():
        print(f"  {name} perm " + " ".join(map(str, perm(n, f))))
    print("\nrep vec 2")
    print("  tx identity\n  ty identity")
    print("  r matrix 1/2 -sqrt(3)/2 sqrt(3)/2 1/2")
    print("  m matrix 1 0 0 -1")


if __name__ == "__main__":
    main()
