"""Trains the O(5)-invariant EMLP of examples/emlp_o5 with
torch.nn.parallel.DistributedDataParallel on two CPU processes (gloo
backend, localhost): each process draws its own half of every batch, DDP
averages the gradients, so both replicas take identical steps.

    python3 examples/python/ddp_o5.py                 # 2 processes, 300 steps
    python3 examples/python/ddp_o5.py --steps 5 --check   # the test suite's run

At the end rank 0 gathers every rank's parameters and reports the largest
difference (0 when the replicas agree) and the model's equivariance error on
random elements of O(5). With --check it exits 1 unless the parameters are
identical and the error is below 1e-10 (float64)."""
import argparse
import os
import socket
import sys

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch.nn.parallel import DistributedDataParallel as DDP

import weyl
import weyl.torch as wt


def target(x):
    """f(x1, x2) = sin|x1| - |x2|^3 / 2 + x1.x2 / (|x1| |x2|) (the EMLP paper's)."""
    a, b = x[:, :5], x[:, 5:]
    na, nb = a.norm(dim=1), b.norm(dim=1)
    return (torch.sin(na) - 0.5 * nb ** 3 + (a * b).sum(1) / (na * nb)).unsqueeze(1)


def worker(rank, world, port, args, out):
    os.environ["MASTER_ADDR"], os.environ["MASTER_PORT"] = "127.0.0.1", str(port)
    torch.set_num_threads(1)
    dist.init_process_group("gloo", rank=rank, world_size=world)
    torch.manual_seed(0)  # the same initial model everywhere (DDP broadcasts it anyway)
    G = weyl.group("O(5)")
    rin, rout = G.rep("2*V"), G.rep("Scalar")
    model = wt.EMLP(rin, rout, hidden=args.hidden, layers=2, bilinear_blocks=1).double()
    ddp = DDP(model)
    opt = torch.optim.Adam(ddp.parameters(), lr=3e-3)
    data = torch.Generator().manual_seed(1000 + rank)  # each rank its own examples
    for step in range(args.steps):
        x = torch.randn(args.batch // world, 10, generator=data, dtype=torch.float64)
        loss = ((ddp(x) - target(x)) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if rank == 0 and (step % 100 == 0 or step == args.steps - 1):
            print(f"step {step:4d}  loss (rank 0's half) {loss.item():.4f}", flush=True)
    flat = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    gathered = [torch.empty_like(flat) for _ in range(world)]
    dist.all_gather(gathered, flat)
    if rank == 0:
        diff = max((g - gathered[0]).abs().max().item() for g in gathered)
        g = G.sample(8, seed=5)
        ri, ro = torch.from_numpy(g.rho(rin)), torch.from_numpy(g.rho(rout))
        x = torch.randn(64, 10, dtype=torch.float64)
        with torch.no_grad():
            fx = model(x)
            err = max(((model(x @ a.T) - fx @ b.T).norm() / fx.norm()).item()
                      for a, b in zip(ri, ro))
        print(f"{world} processes, {model.c_params().size} parameters: largest parameter "
              f"difference between replicas {diff:.1e}; equivariance error {err:.1e}")
        out.put((diff, err))
    dist.destroy_process_group()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--batch", type=int, default=256, help="global batch (split across ranks)")
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--world", type=int, default=2)
    p.add_argument("--check", action="store_true")
    args = p.parse_args()
    ctx = mp.get_context("spawn")
    out = ctx.SimpleQueue()
    mp.spawn(worker, (args.world, free_port(), args, out), nprocs=args.world, join=True)
    diff, err = out.get()
    if args.check and not (diff == 0 and err < 1e-10):
        print(f"FAIL: parameters differ by {diff:.1e} or equivariance error {err:.1e}")
        sys.exit(1)


if __name__ == "__main__":
    main()
