import { describe, expect, it } from "vitest";
import { formatUptime, statusIntervals, uptimeOf, type StatusChange } from "../../src/probes/uptime";

const NOW = Date.parse("2026-11-05T12:00:00.000Z");
const DAY = { from: NOW - 24 * 60 * 60_000, to: NOW };
const at = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000).toISOString();
const change = (minutesAgo: number, from: StatusChange["from_status"], to: StatusChange["to_status"]) => ({
  at: at(minutesAgo),
  from_status: from,
  to_status: to,
});
const minutes = (ms: number) => ms / 60_000;
const shape = (changes: StatusChange[], options = {}) =>
  statusIntervals(changes, DAY, options).map((i) => [i.status, minutes(NOW - i.from), minutes(NOW - i.to)]);

describe("a target's last 24 hours from its transitions", () => {
  it("opens the window with the status of the last change before it, and cuts it at every change", () => {
    const changes = [
      change(3000, null, "healthy"),
      change(600, "healthy", "unhealthy"),
      change(570, "unhealthy", "healthy"),
      change(60, "healthy", "unhealthy"),
      change(54, "unhealthy", "healthy"),
    ];
    expect(shape(changes)).toEqual([
      ["healthy", 1440, 600],
      ["unhealthy", 600, 570],
      ["healthy", 570, 60],
      ["unhealthy", 60, 54],
      ["healthy", 54, 0],
    ]);
  });

  it("takes the status before the first change in the window from that change when nothing older is left", () => {
    expect(shape([change(120, "unhealthy", "healthy")])).toEqual([
      ["unhealthy", 1440, 120],
      ["healthy", 120, 0],
    ]);
  });

  it("knows nothing before a target's first observation", () => {
    expect(shape([change(90, null, "healthy")])).toEqual([
      ["unknown", 1440, 90],
      ["healthy", 90, 0],
    ]);
  });

  it("knows nothing after the last cycle that ran: a stopped cron is not uptime", () => {
    const intervals = shape([change(3000, null, "healthy")], { observedUntil: NOW - 30 * 60_000 });
    expect(intervals).toEqual([
      ["healthy", 1440, 30],
      ["unknown", 30, 0],
    ]);
  });

  it("keeps the status a target has now when it never changed since history became transitions", () => {
    expect(shape([], { current: "healthy" })).toEqual([["healthy", 1440, 0]]);
    expect(shape([])).toEqual([["unknown", 1440, 0]]);
  });

  it("reads changes in any order, ignores those after the window and covers the window exactly", () => {
    const changes = [
      change(-10, "healthy", "unhealthy"),
      change(30, "unhealthy", "healthy"),
      change(2000, null, "unhealthy"),
    ];
    const intervals = statusIntervals(changes, DAY);
    expect(intervals.map((i) => i.status)).toEqual(["unhealthy", "healthy"]);
    expect(intervals[0]?.from).toBe(DAY.from);
    expect(intervals.at(-1)?.to).toBe(DAY.to);
    expect(intervals.reduce((sum, i) => sum + i.to - i.from, 0)).toBe(DAY.to - DAY.from);
  });
});

describe("uptime", () => {
  it("is the healthy share of the time known to be healthy or unhealthy", () => {
    // 36 minutes down in 24 hours: 1404 / 1440 = 97.5 %.
    const day = statusIntervals(
      [
        change(3000, null, "healthy"),
        change(600, "healthy", "unhealthy"),
        change(570, "unhealthy", "healthy"),
        change(60, "healthy", "unhealthy"),
        change(54, "unhealthy", "healthy"),
      ],
      DAY,
    );
    const uptime = uptimeOf(day);
    expect(uptime.ratio).toBeCloseTo(1404 / 1440, 10);
    expect(minutes(uptime.unhealthy_ms)).toBe(36);
    expect(formatUptime(uptime)).toBe("97.50%");
  });

  it("does not count probe errors or time without data as downtime", () => {
    const day = statusIntervals(
      [change(120, null, "healthy"), change(60, "healthy", "error"), change(30, "error", "healthy")],
      DAY,
    );
    const uptime = uptimeOf(day);
    expect(uptime.ratio).toBe(1);
    expect(formatUptime(uptime)).toBe("100%");
  });

  it("never reads 100% once anything was down, and rounds down", () => {
    const week = { from: NOW - 7 * 24 * 60 * 60_000, to: NOW };
    const oneMinuteDown = statusIntervals(
      [change(20_000, null, "healthy"), change(10, "healthy", "unhealthy"), change(9, "unhealthy", "healthy")],
      week,
    );
    expect(formatUptime(uptimeOf(oneMinuteDown))).toBe("99.99%");
  });

  it("counts a target that is still down: the open interval up to now is downtime", () => {
    const day = statusIntervals([change(3000, null, "healthy"), change(144, "healthy", "unhealthy")], DAY);
    const uptime = uptimeOf(day);
    expect(minutes(uptime.unhealthy_ms)).toBe(144);
    expect(formatUptime(uptime)).toBe("90.00%");
  });

  it("has no figure when nothing is known", () => {
    expect(formatUptime(uptimeOf(statusIntervals([], DAY)))).toBe("—");
  });
});

describe("the window's edges", () => {
  it("counts a change exactly at the window's start as inside it: [from, to) includes from", () => {
    expect(shape([change(2000, null, "healthy"), change(1440, "healthy", "unhealthy")])).toEqual([
      ["unhealthy", 1440, 0],
    ]);
  });
});
