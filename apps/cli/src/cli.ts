#!/usr/bin/env node
/**
 * `kva`: run the kernel's test_vmalloc on the old and new KVA allocators, sweep, replay kernel traces,
 * and show profiles and the address space. Exit codes: 0 ok, 1 failed, 2 usage (see errors.ts).
 */
import { Command, CommanderError } from "commander";
import packageJson from "../package.json" with { type: "json" };
import { registerBench } from "./commands/bench.js";
import { registerInfo } from "./commands/info.js";
import { registerMap } from "./commands/map.js";
import { registerReplay } from "./commands/replay.js";
import { registerTestVmalloc } from "./commands/test-vmalloc.js";
import { EXIT_OK, EXIT_USAGE, reportError } from "./errors.js";

export function buildProgram(): { program: Command; current: () => string } {
  let current = "";
  const program = new Command("kva")
    .description(packageJson.description)
    .version(packageJson.version, "-V, --version", "print the version")
    .helpOption("-h, --help", "show help for a command")
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`kva: ${text}`) })
    .showHelpAfterError("(run with --help for usage)")
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: false, sortSubcommands: false })
    .hook("preAction", (_this, action) => {
      current = action.name();
    })
    .addHelpText(
      "after",
      `
Exit codes: 0 ok, 1 failed (a test failed, a replay mismatched), 2 usage (bad command, option or value,
or an input file that cannot be read). Colours follow NO_COLOR; progress bars appear only on a terminal.

Examples:
  $ kva test-vmalloc                          performance mode, both allocators, the seed's figures beside ours
  $ kva test-vmalloc smoke run_test_mask=7    test_vmalloc.sh smoke mode, tests 1, 2 and 4
  $ kva replay trace.jsonl.gz                 replay a kernel trace and check every answer
  $ kva bench --svg sweep.svg                 the scaling sweep with its chart
  $ kva info --profile arm64-4k-48            a profile and a simulated /proc/vmallocinfo
  $ kva map --workload fragmented --svg map.svg`,
    );
  registerTestVmalloc(program);
  registerBench(program);
  registerReplay(program);
  registerInfo(program);
  registerMap(program);
  return { program, current: () => current };
}

async function main(argv: readonly string[]): Promise<number> {
  const { program, current } = buildProgram();
  if (argv.length <= 2) {
    program.outputHelp();
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync([...argv]);
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has already printed its message (or the help/version text).
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    return reportError(err, current(), (text) => process.stderr.write(text));
  }
}

// `kva ... | head` closes the pipe early: stop quietly instead of crashing with EPIPE.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(process.exitCode === undefined ? 0 : Number(process.exitCode));
  throw err;
});

const code = await main(process.argv);
// Let stdout drain (large --json output into a pipe) instead of calling process.exit().
process.exitCode = Math.max(process.exitCode === undefined ? 0 : Number(process.exitCode), code);
