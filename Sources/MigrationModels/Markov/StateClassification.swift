/// The communicating-class structure of a Markov chain.
///
/// States i and j communicate when each is reachable from the other along transitions with
/// pᵢⱼ > 0; the communicating classes partition the states (strongly connected components of
/// the transition graph, found with Tarjan's algorithm, 1972). A class is *closed* when no
/// transition leaves it: in a finite chain its states are recurrent, the others transient. A
/// state with pᵢᵢ = 1 is *absorbing* (a closed class of one). The *period* of a class is the gcd
/// of the lengths of its cycles (computed from breadth-first levels: gcd over edges u→v inside
/// the class of level(u) + 1 − level(v)); period 1 is aperiodic (Kemeny & Snell 1960, ch. 2;
/// Norris 1997, §1.2–1.8).
///
/// Members: `states`, `classes` (each a list of state names, in state order; classes ordered by
/// their first state), `isClosed` and `periods` (one per class), `absorbingStates`,
/// `transientStates`, `recurrentStates`, `isIrreducible`, `isErgodic` (irreducible and
/// aperiodic).
public struct StateClassification: Sendable, Equatable {
    public let states: [String]
    public let classes: [[String]]
    public let isClosed: [Bool]
    public let periods: [Int]
    public let absorbingStates: [String]
    public let transientStates: [String]
    public let recurrentStates: [String]
    /// Class index of each state (0-based, in `classes`).
    public let classOfState: [Int]

    /// One communicating class holding every state.
    public var isIrreducible: Bool { classes.count == 1 }
    /// Irreducible and aperiodic (a regular chain: Pⁿ > 0 for some n).
    public var isErgodic: Bool { isIrreducible && periods.first == 1 }
    /// The closed (recurrent) classes.
    public var closedClasses: [[String]] { classes.indices.filter { isClosed[$0] }.map { classes[$0] } }
}

extension MarkovChain {
    /// Communicating classes, closed classes, periods, absorbing and transient states.
    public func classify() -> StateClassification {
        let k = stateCount
        let p = transitionMatrix
        var adjacency = [[Int]](repeating: [], count: k)
        for i in 0..<k { for j in 0..<k where p[i, j] > 0 { adjacency[i].append(j) } }
        let component = stronglyConnectedComponents(adjacency)
        // Renumber classes by their smallest state index.
        let rawCount = (component.max() ?? -1) + 1
        var firstState = [Int](repeating: k, count: rawCount)
        for i in 0..<k { firstState[component[i]] = min(firstState[component[i]], i) }
        let order = (0..<rawCount).sorted { firstState[$0] < firstState[$1] }
        var newIndex = [Int](repeating: 0, count: rawCount)
        for (n, c) in order.enumerated() { newIndex[c] = n }
        let classOf = component.map { newIndex[$0] }
        var members = [[Int]](repeating: [], count: rawCount)
        for i in 0..<k { members[classOf[i]].append(i) }
        var closed = [Bool](repeating: true, count: rawCount)
        for i in 0..<k { for j in adjacency[i] where classOf[j] != classOf[i] { closed[classOf[i]] = false } }
        let periods = members.map { period(of: $0, adjacency: adjacency, classOf: classOf) }
        let absorbing = (0..<k).filter { p[$0, $0] == 1 }
        return StateClassification(
            states: states,
            classes: members.map { $0.map { states[$0] } },
            isClosed: closed,
            periods: periods,
            absorbingStates: absorbing.map { states[$0] },
            transientStates: (0..<k).filter { !closed[classOf[$0]] }.map { states[$0] },
            recurrentStates: (0..<k).filter { closed[classOf[$0]] }.map { states[$0] },
            classOfState: classOf)
    }

    /// States from which some state in `targets` is reachable (targets included).
    func statesReaching(_ targets: Set<Int>) -> Set<Int> {
        let k = stateCount
        var reverse = [[Int]](repeating: [], count: k)
        for i in 0..<k { for j in 0..<k where transitionMatrix[i, j] > 0 { reverse[j].append(i) } }
        var seen = targets
        var stack = Array(targets)
        while let v = stack.popLast() {
            for u in reverse[v] where !seen.contains(u) { seen.insert(u); stack.append(u) }
        }
        return seen
    }
}

/// Tarjan's strongly connected components (iterative, so deep chains cannot overflow the stack).
/// Returns the component number of each vertex.
fileprivate func stronglyConnectedComponents(_ adjacency: [[Int]]) -> [Int] {
    let n = adjacency.count
    var index = [Int](repeating: -1, count: n), low = [Int](repeating: 0, count: n)
    var onStack = [Bool](repeating: false, count: n)
    var component = [Int](repeating: -1, count: n)
    var stack: [Int] = []
    var next = 0, components = 0
    for root in 0..<n where index[root] < 0 {
        var work: [(v: Int, edge: Int)] = [(root, 0)]
        index[root] = next; low[root] = next; next += 1
        stack.append(root); onStack[root] = true
        while !work.isEmpty {
            let (v, e) = work[work.count - 1]
            if e < adjacency[v].count {
                work[work.count - 1].edge += 1
                let w = adjacency[v][e]
                if index[w] < 0 {
                    index[w] = next; low[w] = next; next += 1
                    stack.append(w); onStack[w] = true
                    work.append((w, 0))
                } else if onStack[w] {
                    low[v] = min(low[v], index[w])
                }
            } else {
                work.removeLast()
                if let parent = work.last { low[parent.v] = min(low[parent.v], low[v]) }
                if low[v] == index[v] {
                    while let w = stack.popLast() {
                        onStack[w] = false
                        component[w] = components
                        if w == v { break }
                    }
                    components += 1
                }
            }
        }
    }
    return component
}

/// Period of a communicating class: gcd over its internal edges u→v of level(u) + 1 − level(v),
/// with breadth-first levels from its first member. A class with no internal edge (a transient
/// singleton without a self-loop) has no cycle; its period is reported as 0.
fileprivate func period(of members: [Int], adjacency: [[Int]], classOf: [Int]) -> Int {
    guard let start = members.first else { return 0 }
    let c = classOf[start]
    var level = [Int](repeating: -1, count: adjacency.count)
    level[start] = 0
    var queue = [start], head = 0
    var g = 0
    while head < queue.count {
        let u = queue[head]; head += 1
        for v in adjacency[u] where classOf[v] == c {
            if level[v] >= 0 {
                g = gcd(g, abs(level[u] + 1 - level[v]))
            } else {
                level[v] = level[u] + 1
                queue.append(v)
            }
        }
    }
    return g
}

fileprivate func gcd(_ a: Int, _ b: Int) -> Int {
    var (x, y) = (a, b)
    while y != 0 { (x, y) = (y, x % y) }
    return x
}
