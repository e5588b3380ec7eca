// The real mcp-bridge as a child of the fault suite: started on 127.0.0.1:0,
// its log kept in a file, its RSS and open descriptors read from /proc, and
// stopped with SIGTERM (SIGKILL only if it overstays the caller's bound).
// Every wait is bounded.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export class BridgeProcess {
  // args: the bridge's arguments after `--listen 127.0.0.1:0`.
  static async start(bridgePath, args, { logFile, startupMs = 15000 } = {}) {
    const b = new BridgeProcess();
    b.logFile = logFile;
    b.output = "";
    const log = fs.openSync(logFile, "w");
    // FAULT_BRIDGE_ARGS (e.g. "--log-level debug") is added for debugging.
    const extra = process.env.FAULT_BRIDGE_ARGS ? process.env.FAULT_BRIDGE_ARGS.split(" ") : [];
    const listen = ["--listen", "127.0.0.1:0"];
    const childAt = args.indexOf("--");
    const full = childAt < 0 ? [...listen, ...args, ...extra]
                             : [...listen, ...args.slice(0, childAt), ...extra, ...args.slice(childAt)];
    b.proc = spawn(bridgePath, full, { stdio: ["ignore", "pipe", "pipe"] });
    b.exited = new Promise((resolve) => {
      b.proc.on("exit", (code, signal) => {
        b.exitInfo = { code, signal, at: Date.now() };
        resolve(b.exitInfo);
      });
    });
    const append = (chunk) => {
      fs.writeSync(log, chunk);
      // Only the start of the log is kept in memory (for the port); the file has it all.
      if (b.output.length < 64 * 1024) b.output += chunk.toString("latin1");
    };
    b.proc.stdout.on("data", append);
    b.proc.stderr.on("data", append);
    b.proc.on("exit", () => setTimeout(() => fs.closeSync(log), 50));
    const deadline = Date.now() + startupMs;
    while (Date.now() < deadline) {
      const m = b.output.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) {
        b.port = Number(m[1]);
        return b;
      }
      if (b.exitInfo) break;
      await sleep(20);
    }
    b.proc.kill("SIGKILL");
    throw new Error(`bridge did not start listening within ${startupMs} ms (exit ${JSON.stringify(b.exitInfo)}): ` +
                    b.output.slice(-2000));
  }

  get pid() { return this.proc.pid; }
  alive() { return !this.exitInfo; }

  // The log so far (the file), e.g. to look for a line or show its tail.
  log() { return fs.readFileSync(this.logFile, "latin1"); }
  tail(lines = 25) { return this.log().split("\n").slice(-lines - 1).join("\n"); }

  // Waits (bounded) until /healthz answers 200.
  async waitHealthy(limitMs = 15000) {
    const deadline = Date.now() + limitMs;
    while (Date.now() < deadline) {
      try {
        const r = await fetch(`http://127.0.0.1:${this.port}/healthz`, { signal: AbortSignal.timeout(1000) });
        if (r.status === 200) return;
      } catch {}
      if (!this.alive()) throw new Error(`bridge exited before it was healthy: ${JSON.stringify(this.exitInfo)}`);
      await sleep(50);
    }
    throw new Error(`bridge not healthy within ${limitMs} ms`);
  }

  // kB values from /proc/PID/status (VmRSS: now, VmHWM: peak).
  memory() {
    const status = fs.readFileSync(`/proc/${this.pid}/status`, "utf8");
    const kb = (key) => Number(status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, "m"))?.[1] ?? NaN);
    return { rssKb: kb("VmRSS"), peakKb: kb("VmHWM") };
  }

  fdCount() { return fs.readdirSync(`/proc/${this.pid}/fd`).length; }

  // SIGTERM; resolves {code, signal, ms} or {timedOut: true} after limitMs (then SIGKILL).
  async stop(limitMs = 15000) {
    if (!this.alive()) return { ...this.exitInfo, ms: 0 };
    const t0 = Date.now();
    this.proc.kill("SIGTERM");
    const r = await Promise.race([this.exited, sleep(limitMs).then(() => null)]);
    if (!r) {
      this.proc.kill("SIGKILL");
      await Promise.race([this.exited, sleep(2000)]);
      return { timedOut: true, ms: Date.now() - t0 };
    }
    return { code: r.code, signal: r.signal, ms: r.at - t0 };
  }

  kill() {
    if (this.alive()) this.proc.kill("SIGKILL");
  }
}

export function workDir(name) {
  return fs.mkdtempSync(path.join(process.env.TMPDIR || "/tmp", `mcp-faults-${name}-`));
}
