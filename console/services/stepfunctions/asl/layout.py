"""A layered, top-down layout of a machine, on a grid of terminal cells.

The classic layered method (Sugiyama), done small:
1. edges that close a loop (found by a depth-first walk from StartAt) are turned round;
2. each state gets a layer: the longest path from the top;
3. an edge label (a Choice rule, "default", a Catch's errors) becomes a node of its own
   between its two states, and an edge crossing layers runs through one-cell "dummy" nodes,
   shared by the edges going to the same state (so twenty Catches into one handler are
   one line, not twenty);
4. the states of each layer are ordered to reduce crossings (barycentre sweeps, the best
   ordering kept);
5. x: each layer is placed as close as its ordering allows to where its edges come from
   (isotonic regression under "no overlap"), down, up and down again;
6. edges are routed orthogonally in the gaps between layers: each run of edges sharing a
   port gets one horizontal track; tracks are ordered so that no edge's vertical part
   runs over another's. Nodes never overlap and edges only go through the gaps and the
   dummies' own columns, so no edge cell ever lies inside a box.

Parallel and Map states are boxes laid out from the inside first: their branches (side by
side) or processor are laid out as machines of their own and placed inside the box.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.cells import cell_len

from console.services.stepfunctions.asl.graph import Edge, scope_edges
from console.services.stepfunctions.asl.model import Machine, State
from console.text import inert_str

GAP = 2  # columns between two nodes of a layer
NAME_MAX = 32  # longer state names are cut with "…" (the full name is the key, and shown on selection)
LABEL_MAX = 30  # edge labels are cut in the middle: a rule's operator and value tell rules apart
LINE_MAX = 34
BRANCH_GAP = 3  # columns between two Parallel branches (a dotted separator in the middle)

UP, DOWN, LEFT, RIGHT = 1, 2, 4, 8


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    def contains(self, x: int, y: int) -> bool:
        return self.x <= x < self.right and self.y <= y < self.bottom

    def moved(self, dx: int, dy: int) -> "Rect":
        return Rect(self.x + dx, self.y + dy, self.width, self.height)

    @property
    def center(self) -> tuple[int, int]:
        return self.x + self.width // 2, self.y + self.height // 2


@dataclass
class Box:
    """A state's box. `scope` is the Parallel/Map holding it (None: the top machine)."""

    name: str
    state: State
    rect: Rect
    scope: str | None
    layer: int
    down_ports: list[int] = field(default_factory=list)  # x of edges leaving the bottom border
    up_ports: list[int] = field(default_factory=list)  # x of edges leaving the top border (loops)
    separators: list[tuple[int, int, int]] = field(default_factory=list)  # Parallel: (x, y0, y1)
    self_loop: bool = False


@dataclass
class Label:
    text: str
    x: int
    y: int
    dotted: bool
    scope: str | None


@dataclass
class Lines:
    """The edge cells of one (sub)machine: (x, y) -> [direction bits, solid uses, dotted uses]."""

    scope: str | None
    cells: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    arrows: dict[tuple[int, int], tuple[str, bool]] = field(default_factory=dict)  # (x, y) -> (glyph, dotted)

    def add(self, x: int, y: int, bits: int, dotted: bool) -> None:
        cell = self.cells.setdefault((x, y), [0, 0, 0])
        cell[0] |= bits
        cell[2 if dotted else 1] += 1

    def vline(self, x: int, y0: int, y1: int, dotted: bool, top: int = UP, bottom: int = DOWN) -> None:
        """Cells y0..y1 (inclusive) of column x; `top`/`bottom` are the bits of the end cells."""
        for y in range(y0, y1 + 1):
            self.add(x, y, (top if y == y0 else UP) | (bottom if y == y1 else DOWN), dotted)

    def hline(self, y: int, x0: int, x1: int, dotted: bool) -> None:
        for x in range(x0, x1 + 1):
            self.add(x, y, (LEFT if x > x0 else 0) | (RIGHT if x < x1 else 0), dotted)

    def moved(self, dx: int, dy: int) -> "Lines":
        return Lines(self.scope, {(x + dx, y + dy): v for (x, y), v in self.cells.items()},
                     {(x + dx, y + dy): v for (x, y), v in self.arrows.items()})


@dataclass
class Layout:
    boxes: dict[str, Box]
    labels: list[Label]
    lines: list[Lines]
    width: int
    height: int
    edges: list[Edge]  # every edge of every (sub)machine
    undrawn: list[Edge]  # edges with no line (self-loops, shown in their box instead); End edges aside


# box text ---------------------------------------------------------------------------------------
def cut(text: str, limit: int) -> str:
    """`text` in at most `limit` terminal cells (wide characters count two), "…" where cut."""
    if cell_len(text) <= limit:
        return text
    kept, used = [], 0
    for char in text:
        used += cell_len(char)
        if used > limit - 1:
            break
        kept.append(char)
    return "".join(kept) + "…"


def cut_middle(text: str, limit: int) -> str:
    """`text` in at most `limit` cells, "…" replacing its middle."""
    if cell_len(text) <= limit:
        return text
    head = cut(text, (limit * 2) // 5 + 1)  # its "…" included
    tail_room, tail = limit - cell_len(head), []
    for char in reversed(text):
        tail_room -= cell_len(char)
        if tail_room < 0:
            break
        tail.append(char)
    return head + "".join(reversed(tail))


def short_resource(resource: str | None) -> str:
    """`arn:aws:states:::lambda:invoke` -> `lambda:invoke`; a Lambda function ARN -> `lambda`."""
    if not resource:
        return ""
    if resource.startswith("arn:aws:states:::"):
        return inert_str(resource[len("arn:aws:states:::"):])
    parts = resource.split(":")
    return inert_str(parts[2] if len(parts) > 2 and resource.startswith("arn:") else resource)


def type_line(state: State) -> str:
    kind = state.type
    if state.type == "Map":
        kind = "Map · distributed" if state.distributed else "Map · inline"
    elif state.type == "Parallel":
        count = len(state.branches)
        kind = f"Parallel · {count} branch{'' if count == 1 else 'es'}"
    elif state.type == "Task" and state.resource:
        kind = f"Task · {short_resource(state.resource)}"
    if state.end:
        kind += " · end"
    return cut(kind, LINE_MAX)


def retry_line(state: State, attempts: int | None = None) -> str | None:
    """"↻ retry ×3", or with an execution's outcome "↻ 3 attempts (retry ×3)"."""
    if state.retries == 0:  # no Retry, or only MaxAttempts 0: never retried
        return None
    if attempts is not None and attempts > 1:
        return f"↻ {attempts} attempts (retry ×{state.retries})"
    return f"↻ retry ×{state.retries}"


def extra_lines(state: State) -> list[str]:
    """Lines under the type line: a distributed Map's reader and writer."""
    lines = []
    if state.item_reader:
        lines.append(cut(f"reader: {short_resource(state.item_reader)}", LINE_MAX))
    if state.result_writer:
        lines.append(cut(f"writer: {short_resource(state.result_writer)}", LINE_MAX))
    return lines


def header_lines(state: State) -> list[str]:
    """The text of a box as laid out (the glyph slot before the name is kept free)."""
    lines = ["  " + cut(inert_str(state.name), NAME_MAX), type_line(state)]
    retry = retry_line(state)
    if retry is not None:
        lines.append(retry)
    return lines + extra_lines(state)


def _text_width(state: State) -> int:
    widths = [cell_len(line) for line in header_lines(state)]
    if state.retriers:
        widths.append(cell_len(retry_line(state, 99) or ""))  # room for an execution's attempt count
    return max(widths)


# the layered layout of one (sub)machine ----------------------------------------------------------
@dataclass
class _Node:
    id: int
    width: int
    height: int
    kind: str  # "state" | "label" | "dummy"
    name: str = ""  # state name or label text
    dotted: bool = False
    layer: int = 0
    x: int = 0
    order: float = 0.0
    top_ports: dict = field(default_factory=dict)  # port key -> x offset
    bottom_ports: dict = field(default_factory=dict)


@dataclass(frozen=True)
class _Segment:
    upper: int
    lower: int
    dotted: bool
    reversed: bool

    def key(self):
        return (self.upper, self.lower, self.dotted, self.reversed)


@dataclass
class _Placed:
    """A laid-out (sub)machine in its own coordinates."""

    width: int
    height: int
    boxes: list[Box]
    labels: list[Label]
    lines: list[Lines]
    undrawn: list[Edge]

    def moved(self, dx: int, dy: int) -> "_Placed":
        boxes = [Box(b.name, b.state, b.rect.moved(dx, dy), b.scope, b.layer, [p + dx for p in b.down_ports],
                     [p + dx for p in b.up_ports], [(x + dx, y0 + dy, y1 + dy) for x, y0, y1 in b.separators],
                     b.self_loop) for b in self.boxes]
        labels = [Label(lb.text, lb.x + dx, lb.y + dy, lb.dotted, lb.scope) for lb in self.labels]
        return _Placed(self.width, self.height, boxes, labels, [ln.moved(dx, dy) for ln in self.lines], self.undrawn)


def layout(machine: Machine) -> Layout:
    placed = _layout_machine(machine, None)
    edges: list[Edge] = []

    def collect(m: Machine) -> None:
        edges.extend(scope_edges(m))
        for state in m.states.values():
            for child in state.children:
                collect(child)

    collect(machine)
    return Layout({b.name: b for b in placed.boxes}, placed.labels, placed.lines, placed.width, placed.height,
                  edges, placed.undrawn)


def _layout_machine(machine: Machine, scope: str | None) -> _Placed:
    inner = {name: [_layout_machine(child, name) for child in state.children]
             for name, state in machine.states.items() if state.children}
    nodes: list[_Node] = []
    index: dict[str, int] = {}
    for name, state in machine.states.items():
        width, height = _box_size(state, inner.get(name))
        index[name] = len(nodes)
        nodes.append(_Node(len(nodes), width, height, "state", name))
    links: list[tuple[int, int, bool]] = []  # (from, to, dotted) between nodes, before layering
    undrawn: list[Edge] = []
    self_loops: set[str] = set()
    for edge in scope_edges(machine):
        if edge.target is None:
            continue
        if edge.target == edge.source:
            self_loops.add(edge.source)
            undrawn.append(edge)
            continue
        source, target = index[edge.source], index[edge.target]
        if edge.label is not None:
            text = cut_middle(inert_str(edge.label), LABEL_MAX) or "?"
            label = _Node(len(nodes), cell_len(text), 1, "label", text, edge.dotted)
            nodes.append(label)
            links += [(source, label.id, edge.dotted), (label.id, target, edge.dotted)]
        else:
            links.append((source, target, edge.dotted))
    layers, segments = _layered(nodes, links, index[machine.start_at])
    _order(nodes, layers, segments)
    _ports(nodes, layers, segments)
    _place_x(nodes, layers, segments)
    placed = _route(nodes, layers, segments, machine, scope, inner)
    for box in placed.boxes:
        box.self_loop = box.name in self_loops
    placed.undrawn = undrawn + [e for parts in inner.values() for p in parts for e in p.undrawn]
    return placed


def _box_size(state: State, inner: list[_Placed] | None) -> tuple[int, int]:
    text_width = _text_width(state)
    lines = len(header_lines(state))
    if not inner:
        return text_width + 4, lines + 2
    inner_width = sum(p.width for p in inner) + BRANCH_GAP * (len(inner) - 1)
    return max(text_width, inner_width) + 4, lines + 2 + max(p.height for p in inner) + 2


# 1-3: loops turned round, layers, labels and dummies ----------------------------------------------
def _layered(nodes: list[_Node], links: list[tuple[int, int, bool]], start: int):
    out: dict[int, list[tuple[int, bool]]] = {n.id: [] for n in nodes}
    for a, b, dotted in links:
        out[a].append((b, dotted))
    # depth-first from StartAt (then from any state not reached), iteratively: back edges turned round
    state_, on_stack, done = {}, 1, 2
    dag: list[tuple[int, int, bool, bool]] = []  # (upper, lower, dotted, reversed)
    discovery: list[int] = []
    roots = [start] + [n.id for n in nodes if n.kind == "state" and n.id != start]
    for root in roots:
        if root in state_:
            continue
        stack = [(root, iter(out[root]))]
        state_[root] = on_stack
        discovery.append(root)
        while stack:
            node, successors = stack[-1]
            for succ, dotted in successors:
                if state_.get(succ) == on_stack:
                    dag.append((succ, node, dotted, True))
                elif succ in state_:
                    dag.append((node, succ, dotted, False))
                else:
                    dag.append((node, succ, dotted, False))
                    state_[succ] = on_stack
                    discovery.append(succ)
                    stack.append((succ, iter(out[succ])))
                    break
            else:
                state_[node] = done
                stack.pop()
    for n in nodes:  # labels of edges from states never reached are reached through them; none is left
        if n.id not in state_:
            discovery.append(n.id)
    order = {node: i for i, node in enumerate(discovery)}
    # longest path from the top, in topological order
    preds: dict[int, list[int]] = {n.id: [] for n in nodes}
    succs: dict[int, list[int]] = {n.id: [] for n in nodes}
    for a, b, _, _ in dag:
        succs[a].append(b)
        preds[b].append(a)
    indegree = {n: len(p) for n, p in preds.items()}
    ready = sorted((n for n, d in indegree.items() if d == 0), key=order.get)
    while ready:
        node = ready.pop(0)
        for succ in succs[node]:
            nodes[succ].layer = max(nodes[succ].layer, nodes[node].layer + 1)
            indegree[succ] -= 1
            if indegree[succ] == 0:
                ready.append(succ)
    layers: list[list[int]] = [[] for _ in range(max(n.layer for n in nodes) + 1)]
    for node in sorted(nodes, key=lambda n: order[n.id]):
        layers[node.layer].append(node.id)
    # dummies: one per (final end, style, direction, layer), shared by the edges going there
    dummies: dict[tuple, int] = {}
    segments: dict[tuple, _Segment] = {}
    for upper, lower, dotted, reversed_ in dag:
        chain = [upper]
        for layer in range(nodes[upper].layer + 1, nodes[lower].layer):
            key = (upper if reversed_ else lower, dotted, reversed_, layer)
            if key not in dummies:
                dummy = _Node(len(nodes), 1, 1, "dummy", dotted=dotted, layer=layer)
                nodes.append(dummy)
                dummies[key] = dummy.id
                layers[layer].append(dummy.id)
            chain.append(dummies[key])
        chain.append(lower)
        for a, b in zip(chain, chain[1:]):
            segment = _Segment(a, b, dotted, reversed_)
            segments[segment.key()] = segment
    return layers, list(segments.values())


# 4: ordering ----------------------------------------------------------------------------------------
def _crossings(nodes: list[_Node], segments: list[_Segment], layer: int) -> int:
    pairs = sorted((nodes[s.upper].order, nodes[s.lower].order) for s in segments if nodes[s.upper].layer == layer)
    count = 0
    for i, (_, b) in enumerate(pairs):
        for _, d in pairs[i + 1:]:
            count += d < b
    return count


def _order(nodes: list[_Node], layers: list[list[int]], segments: list[_Segment]) -> None:
    ups: dict[int, list[int]] = {n.id: [] for n in nodes}
    downs: dict[int, list[int]] = {n.id: [] for n in nodes}
    for s in segments:
        downs[s.upper].append(s.lower)
        ups[s.lower].append(s.upper)

    def number() -> None:
        for layer in layers:
            for i, node in enumerate(layer):
                nodes[node].order = i

    def total() -> int:
        return sum(_crossings(nodes, segments, i) for i in range(len(layers) - 1))

    number()
    best, best_layers = total(), [list(layer) for layer in layers]
    for sweep in range(8):
        down = sweep % 2 == 0
        indices = range(1, len(layers)) if down else range(len(layers) - 2, -1, -1)
        for i in indices:
            neighbours = ups if down else downs

            def barycentre(node: int) -> float:
                around = neighbours[node]
                return sum(nodes[n].order for n in around) / len(around) if around else nodes[node].order

            layers[i].sort(key=barycentre)
            for j, node in enumerate(layers[i]):
                nodes[node].order = j
        crossings = total()
        if crossings < best:
            best, best_layers = crossings, [list(layer) for layer in layers]
        if best == 0:
            break
    layers[:] = best_layers
    number()


# 5: ports and x ---------------------------------------------------------------------------------------
def _bottom_key(nodes: list[_Node], s: _Segment):
    if nodes[s.upper].kind != "state":
        return "c"
    return ("back", s.dotted) if s.reversed else ("out", s.lower)


def _top_key(nodes: list[_Node], s: _Segment):
    if nodes[s.lower].kind != "state":
        return "c"
    return ("up", s.upper) if s.reversed else ("in", s.dotted)


def _ports(nodes: list[_Node], layers: list[list[int]], segments: list[_Segment]) -> None:
    """Where on its border each edge meets a node, in the order of the other ends (so they
    do not cross at the node). A state's one plain Next leaves from the middle of its bottom
    and its plain arrivals come into the middle of its top, Catches and loops beside them:
    a chain of states stays straight however many Catches hang off it. Nodes widen to fit."""
    bottoms: dict[int, dict] = {}
    tops: dict[int, dict] = {}
    for s in segments:
        bottoms.setdefault(s.upper, {}).setdefault(_bottom_key(nodes, s), []).append(nodes[s.lower].order)
        tops.setdefault(s.lower, {}).setdefault(_top_key(nodes, s), []).append(nodes[s.upper].order)
    for node in nodes:
        for sides, attr, is_main in ((bottoms, "bottom_ports", _main_bottom), (tops, "top_ports", _main_top)):
            ports = sides.get(node.id, {})
            if node.kind != "state":
                setattr(node, attr, {key: node.width // 2 for key in ports})
                continue
            keys = sorted(ports, key=lambda k: sum(ports[k]) / len(ports[k]))
            mains = [k for k in keys if is_main(nodes, k)]
            if len(mains) == 1 and len(keys) > 1:
                m = keys.index(mains[0])
                left, right = keys[:m], keys[m + 1:]
                node.width = max(node.width, 4 * max(len(left), len(right)) + 3)
                centre = node.width // 2
                offsets = ([round((i + 1) * centre / (len(left) + 1)) for i in range(len(left))] + [centre]
                           + [centre + round((i + 1) * (node.width - 1 - centre) / (len(right) + 1))
                              for i in range(len(right))])
            else:
                node.width = max(node.width, 2 * len(keys) + 3)
                offsets = [round((i + 1) * node.width / (len(keys) + 1)) for i in range(len(keys))]
            offsets = [min(node.width - 2, max(1, o)) for o in offsets]
            for i in range(1, len(offsets)):  # distinct, left to right
                offsets[i] = max(offsets[i], offsets[i - 1] + 1)
            setattr(node, attr, dict(zip(keys, offsets)))


def _main_bottom(nodes: list[_Node], key) -> bool:
    """A plain edge to a state or through dummies (not a labelled one, not a Catch, not a loop)."""
    return key[0] == "out" and nodes[key[1]].kind != "label" and not nodes[key[1]].dotted


def _main_top(nodes: list[_Node], key) -> bool:
    return key == ("in", False)


def _isotonic(values: list[float], weights: list[float]) -> list[float]:
    """The non-decreasing sequence closest to `values` in weighted least squares (pool
    adjacent violators)."""
    blocks: list[list[float]] = []  # [mean, weight, count]
    for v, w in zip(values, weights):
        blocks.append([v, w, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2, c2 = blocks.pop()
            m1, w1, c1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, c1 + c2])
    result: list[float] = []
    for mean, _, count in blocks:
        result.extend([mean] * int(count))
    return result


def _place_layer(nodes: list[_Node], layer: list[int], pos: dict[int, float],
                 pulls: dict[int, tuple[float, float]]) -> None:
    """Put one layer's nodes, in their order and `GAP` apart, where the edges pulling them
    want them in the least-squares sense: `pulls[node]` is (weight, weighted sum of the
    positions its edges want); a node nothing pulls keeps its place, lightly held."""
    offsets, offset = [], 0.0
    for node in layer:
        offsets.append(offset)
        offset += nodes[node].width + GAP
    wanted, weights = [], []
    for node, off in zip(layer, offsets):
        weight, total = pulls.get(node, (0.0, 0.0))
        if weight == 0:
            weight, total = 0.01, 0.01 * pos[node]
        wanted.append(total / weight - off)
        weights.append(weight)
    for node, y, off in zip(layer, _isotonic(wanted, weights), offsets):
        pos[node] = y + off


SWEEPS = 12


def _place_x(nodes: list[_Node], layers: list[list[int]], segments: list[_Segment]) -> None:
    """x of every node: minimise the sum over edges of weight × (how far the edge is from
    straight)², the layers' order and gaps kept, by sweeping layer after layer (each step
    exact for its layer, so the sum only falls; nothing drifts sideways over a long
    machine, as it would if each layer only followed the one above). A plain Next pulls
    hardest, then long edges' dummies (lines stay straight), labels and Catches least."""
    pos: dict[int, float] = {}
    for layer in layers:
        x = 0.0
        for node in layer:
            pos[node] = x
            x += nodes[node].width + GAP
    links: dict[int, list[tuple[int, float, float]]] = {}  # node -> (other, offset, weight)
    for s in segments:
        delta = nodes[s.upper].bottom_ports[_bottom_key(nodes, s)] - nodes[s.lower].top_ports[_top_key(nodes, s)]
        main = _main_bottom(nodes, _bottom_key(nodes, s)) or _main_top(nodes, _top_key(nodes, s))
        weight = 8.0 if main else 2.0 if nodes[s.upper].kind == nodes[s.lower].kind == "dummy" else 1.0
        links.setdefault(s.lower, []).append((s.upper, delta, weight))
        links.setdefault(s.upper, []).append((s.lower, -delta, weight))

    def pulls(layer: list[int], only: int | None) -> dict[int, tuple[float, float]]:
        found = {}
        for node in layer:
            weight = total = 0.0
            for other, delta, w in links.get(node, ()):
                if only is None or nodes[other].layer == only:
                    weight += w
                    total += w * (pos[other] + delta)
            if weight:
                found[node] = (weight, total)
        return found

    for i in range(1, len(layers)):  # a first placement from the top
        _place_layer(nodes, layers[i], pos, pulls(layers[i], i - 1))
    for sweep in range(SWEEPS):
        indices = range(len(layers) - 1, -1, -1) if sweep % 2 == 0 else range(len(layers))
        for i in indices:
            _place_layer(nodes, layers[i], pos, pulls(layers[i], None))
    left = min(pos.values())
    for node in nodes:
        node.x = round(pos[node.id] - left)
    _straighten(nodes, layers, links)


def _straighten(nodes: list[_Node], layers: list[list[int]], links: dict) -> None:
    """Rounding can leave a one-column jog in an edge that was all but straight: move the
    lower end that column, top to bottom, pushing labels and passing lines beside it
    along (never another state)."""
    for i in range(1, len(layers)):
        layer = layers[i]
        for j, node_id in enumerate(layer):
            ups = [(other, delta) for other, delta, _ in links.get(node_id, ())
                   if nodes[other].layer == i - 1]
            if len(ups) != 1:
                continue
            other, delta = ups[0]
            step = nodes[other].x + delta - nodes[node_id].x
            if abs(step) != 1:
                continue
            moved = [node_id]
            k = j + step
            while 0 <= k < len(layer):  # the neighbours the move would come too close to
                a, b = (layer[k - 1], layer[k]) if step > 0 else (layer[k], layer[k + 1])
                if nodes[b].x - (nodes[a].x + nodes[a].width) - 1 >= GAP:  # room left after the move
                    break
                if nodes[layer[k]].kind == "state":
                    moved = []
                    break
                moved.append(layer[k])
                k += step
            for node in moved:
                nodes[node].x += step
    left = min(n.x for n in nodes)
    for n in nodes:
        n.x -= left


# 6: rows, channels, routing ----------------------------------------------------------------------------
def _route(nodes: list[_Node], layers: list[list[int]], segments: list[_Segment], machine: Machine,
           scope: str | None, inner: dict[str, list[_Placed]]) -> _Placed:
    lines = Lines(scope)
    boxes: list[Box] = []
    labels: list[Label] = []
    nested: list[_Placed] = []
    by_layer: dict[int, list[_Segment]] = {}
    for s in segments:
        by_layer.setdefault(nodes[s.upper].layer, []).append(s)
    y = 0
    for i, layer in enumerate(layers):
        height = max(nodes[n].height for n in layer)
        bottom = y + height  # first row below this layer
        for node_id in layer:
            node = nodes[node_id]
            if node.kind == "dummy":
                lines.vline(node.x, y, bottom - 1, node.dotted)
                continue
            ports_below = {node.x + off for off in node.bottom_ports.values()}
            for px in ports_below:  # from a node shorter than its layer down to the layer's bottom
                if y + node.height < bottom:
                    lines.vline(px, y + node.height, bottom - 1, node.dotted if node.kind == "label" else
                                _port_dotted(nodes, segments, node_id, px))
            if node.kind == "label":
                labels.append(Label(node.name, node.x, y, node.dotted, scope))
                continue
            state = machine.states[node.name]
            rect = Rect(node.x, y, node.width, node.height)
            box = Box(node.name, state, rect, scope, i)
            for s in by_layer.get(i, []):
                if s.upper == node_id and not s.reversed:  # a loop's ▲ arrives at a plain border
                    box.down_ports.append(node.x + node.bottom_ports[_bottom_key(nodes, s)])
            for s in by_layer.get(i - 1, []):
                if s.lower == node_id and s.reversed:
                    box.up_ports.append(node.x + node.top_ports[_top_key(nodes, s)])
            boxes.append(box)
            if node.name in inner:
                nested.extend(_place_inner(box, inner[node.name]))
        y = bottom
        if i + 1 < len(layers):
            y = _channel(nodes, by_layer.get(i, []), lines, y)
    width = max((n.x + n.width for n in nodes), default=0)
    placed = _Placed(width, y, boxes, labels, [lines], [])
    for part in nested:
        placed.boxes.extend(part.boxes)
        placed.labels.extend(part.labels)
        placed.lines.extend(part.lines)
    return placed


def _port_dotted(nodes: list[_Node], segments: list[_Segment], node_id: int, px: int) -> bool:
    node = nodes[node_id]
    return all(s.dotted for s in segments
               if s.upper == node_id and node.x + node.bottom_ports[_bottom_key(nodes, s)] == px)


def _place_inner(box: Box, parts: list[_Placed]) -> list[_Placed]:
    """The branches (side by side) or the processor inside a Parallel or Map box."""
    top = box.rect.y + 1 + len(header_lines(box.state)) + 1
    total = sum(p.width for p in parts) + BRANCH_GAP * (len(parts) - 1)
    x = box.rect.x + 2 + (box.rect.width - 4 - total) // 2
    placed = []
    for i, part in enumerate(parts):
        if i:
            box.separators.append((x - BRANCH_GAP // 2 - 1, top, top + max(p.height for p in parts) - 1))
        placed.append(part.moved(x, top))
        x += part.width + BRANCH_GAP
    return placed


def _channel(nodes: list[_Node], segments: list[_Segment], lines: Lines, top: int) -> int:
    """Route the edges between two layers in the gap starting at row `top`; the first row
    of the next layer."""
    parent: dict = {}

    def find(k):
        while parent.setdefault(k, k) != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    ends = []
    for s in segments:
        upper, lower = nodes[s.upper], nodes[s.lower]
        ux = upper.x + upper.bottom_ports[_bottom_key(nodes, s)]
        lx = lower.x + lower.top_ports[_top_key(nodes, s)]
        a, b = ("u", ux), ("l", lx)
        parent[find(a)] = find(b)
        ends.append((s, ux, lx))
    nets: dict = {}
    for s, ux, lx in ends:
        net = nets.setdefault(find(("u", ux)), {"up": set(), "low": set(), "dotted": True, "up_arrows": set(),
                                               "down_arrows": set()})
        net["up"].add(ux)
        net["low"].add(lx)
        net["dotted"] = net["dotted"] and s.dotted
        if s.reversed and nodes[s.upper].kind == "state":
            net["up_arrows"].add(ux)
        if not s.reversed and nodes[s.lower].kind == "state":
            net["down_arrows"].add(lx)
    nets_list = list(nets.values())
    bent = [n for n in nets_list if len(n["up"] | n["low"]) > 1]
    # a net whose edge comes down column c must turn before a net whose edge leaves down column c
    before: dict[int, set[int]] = {i: set() for i in range(len(bent))}
    for i, a in enumerate(bent):
        for j, b in enumerate(bent):
            if i != j and a["up"] & b["low"]:
                before[j].add(i)
    tracks: list[list[tuple[int, int]]] = []
    track_of: dict[int, int] = {}
    pending = sorted(range(len(bent)), key=lambda i: min(bent[i]["up"] | bent[i]["low"]))
    while pending:
        ready = [i for i in pending if before[i] <= set(track_of)] or pending[:1]  # a cycle: give way
        i = ready[0]
        pending.remove(i)
        cols = bent[i]["up"] | bent[i]["low"]
        lo, hi = min(cols), max(cols)
        track = max((track_of[j] + 1 for j in before[i] if j in track_of), default=0)
        while track < len(tracks) and any(not (hi + 1 < a or b + 1 < lo) for a, b in tracks[track]):
            track += 1
        if track == len(tracks):
            tracks.append([])
        tracks[track].append((lo, hi))
        track_of[i] = track
    arrow_row = 1 if any(n["up_arrows"] for n in nets_list) else 0
    last = top + arrow_row + len(tracks)  # the row just above the next layer
    for i, net in enumerate(bent):
        row = top + arrow_row + track_of[i]
        dotted = net["dotted"]
        for x in net["up"]:
            lines.vline(x, top, row, dotted, bottom=0)
        for x in net["low"]:
            lines.vline(x, row, last, dotted, top=0)
        cols = net["up"] | net["low"]
        lines.hline(row, min(cols), max(cols), dotted)
    for net in nets_list:
        if len(net["up"] | net["low"]) == 1:
            (x,) = net["up"]
            lines.vline(x, top, last, net["dotted"])
    for net in nets_list:
        for x in net["up_arrows"]:
            lines.arrows[(x, top)] = ("▲", net["dotted"])
        for x in net["down_arrows"]:
            lines.arrows[(x, last)] = ("▼", net["dotted"])
    return last + 1
