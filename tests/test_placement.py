"""The placement policy alone: pure data in, hosts out."""

from __future__ import annotations

import pytest

from webgns.placement import HostLoad, NodeDemand, PlacementFailed, place


def hosts(**free: int) -> list[HostLoad]:
    return [HostLoad(name, True, memory, max_nodes=100) for name, memory in free.items()]


def lab(count: int, memory: int = 64, prefix: str = "n") -> list[NodeDemand]:
    return [NodeDemand(f"{prefix}{i}", memory) for i in range(count)]


def test_a_lab_that_fits_goes_whole_to_the_roomiest_host():
    placed = place(lab(5), hosts(a=1000, b=4000))
    assert placed.spans() == {"b"}


def test_copies_of_a_class_spread_over_hosts_by_free_memory():
    pool = hosts(a=2048, b=2048)
    spans = [place(lab(5, 128, prefix=f"s{i}-"), pool).spans() for i in range(6)]
    counts = {"a": sum(s == {"a"} for s in spans), "b": sum(s == {"b"} for s in spans)}
    assert counts == {"a": 3, "b": 3}
    assert pool[0].used_memory_mb == pool[1].used_memory_mb == 3 * 5 * 128


def test_a_lab_too_large_for_one_host_is_split_filling_one_host_first():
    pool = hosts(a=300, b=500)
    placed = place(lab(10, 64), pool)
    on_b = [n for n, h in placed.hosts.items() if h == "b"]
    assert len(on_b) == 7 and on_b == [f"n{i}" for i in range(7)]  # the roomiest first, in order
    assert placed.spans() == {"a", "b"}


def test_pinned_nodes_go_to_their_host_and_down_hosts_take_nothing():
    pool = hosts(a=1000, b=1000, c=5000)
    pool[2].up = False
    nodes = [NodeDemand("r1", 100, pinned="a"), *lab(3)]
    placed = place(nodes, pool)
    assert placed.hosts["r1"] == "a"
    assert {placed.hosts[f"n{i}"] for i in range(3)} == {"b"}
    with pytest.raises(PlacementFailed, match="pinned to compute host 'c', which is down"):
        place([NodeDemand("x", 10, pinned="c")], pool)
    with pytest.raises(PlacementFailed, match="unknown compute host"):
        place([NodeDemand("x", 10, pinned="z")], pool)


def test_no_room_anywhere_says_so():
    pool = hosts(a=1000)
    pool[0].max_nodes = 2  # room by memory, not by count
    with pytest.raises(PlacementFailed, match=r"no compute host has room for node n2 \(64 MB; 1 of 1 up\)"):
        place(lab(3), pool)


def test_a_node_added_to_a_lab_joins_the_host_its_lab_uses_while_it_has_room():
    pool = hosts(a=1000, b=4000)
    assert place(lab(1), pool, prefer=("a",)).spans() == {"a"}
    full = [HostLoad("a", True, 100, max_nodes=100), HostLoad("b", True, 4000, max_nodes=100)]
    assert place(lab(1, 200), full, prefer=("a",)).spans() == {"b"}


def test_a_preferred_host_that_is_down_is_passed_over():
    pool = [HostLoad("a", False, 4000, max_nodes=100), HostLoad("b", True, 1000, max_nodes=100)]
    assert place(lab(2), pool, prefer=("a",)).spans() == {"b"}
