// Number parsing alone on a CSV file's fields, outside the reader: per-field cost of
// `NumberParsing.parseDouble` (`plain`), and a bit-for-bit
// check of the reader's fused-path parser `plainDecimalPrefix` against `parseDouble` on every
// field (`prefix`: prints how many fields it took and how many differ — 0 expected); `indep` and
// `chain` time `plainDecimalPrefix` alone from known field starts or from the previous length.
// Fields are split at commas and line feeds (no quotes: for numeric files such as float20.csv).
//
//   swiftc -O -wmo -module-name MigrationData Benchmarks/csv/number-parse-loop/main.swift \
//       Sources/MigrationData/NumberParsing.swift Sources/MigrationData/PowersOfFive.swift -o /tmp/number-parse-loop
//   taskset -c 0 /tmp/number-parse-loop float20.csv prefix     # or plain, indep, chain, none
import Foundation
let path = CommandLine.arguments[1]
let mode = CommandLine.arguments[2]
let data = FileManager.default.contents(atPath: path)!
let n = data.count
let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: n + 64)
data.copyBytes(to: buf, count: n)
for i in n..<(n+64) { buf[i] = 10 }
// Field boundaries (after the header line).
var starts: [Int] = []; var ends: [Int] = []
starts.reserveCapacity(21_000_000); ends.reserveCapacity(21_000_000)
var p = 0
while p < n && buf[p] != 10 { p += 1 }
p += 1
var s = p
while p < n { let c = buf[p]; if c == 44 || c == 10 { starts.append(s); ends.append(p); s = p + 1 }; p += 1 }
var sum = 0.0
var bad = 0
let rounds = mode == "prefix" ? 1 : 3
let t0 = Date()
for _ in 0..<rounds {
if mode == "plain" {
  for i in 0..<starts.count { if let v = NumberParsing.parseDouble(buf + starts[i], ends[i] - starts[i]) { sum += v } else { bad += 1 } }
} else if mode == "prefix" {
  var taken = 0
  for i in 0..<starts.count {
    let a = NumberParsing.parseDouble(buf + starts[i], ends[i] - starts[i])
    if let b = NumberParsing.plainDecimalPrefix(buf + starts[i]) {
      if b.length == ends[i] - starts[i] { taken += 1; if a?.bitPattern != b.value.bitPattern { bad += 1 } } else { bad += 1 }
    }
  }
  print("prefix taken", taken)
} else if mode == "indep" {
  // `plainDecimalPrefix` alone, each field from its known start.
  for i in 0..<starts.count { if let b = NumberParsing.plainDecimalPrefix(buf + starts[i]) { sum += b.value } else { bad += 1 } }
} else if mode == "chain" {
  // The same, each start found from the previous number's length (as the reader does).
  var q = starts[0]
  let end = ends[ends.count - 1]
  while q < end { if let b = NumberParsing.plainDecimalPrefix(buf + q) { sum += b.value; q += b.length + 1 } else { bad += 1; break } }
} else {
  // `none`: the loop's own cost.
  for i in 0..<starts.count { sum += Double(buf[starts[i]] &+ UInt8(truncatingIfNeeded: ends[i] - starts[i])) }
}
}
let t = Date().timeIntervalSince(t0) / Double(rounds)
print(mode, starts.count, "fields", String(format: "%.1f ns/field", t / Double(starts.count) * 1e9), "sum", sum, "differing or refused", bad)
