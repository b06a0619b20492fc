// The repository's one Dockerfile read as `docker build --target <stage>` resolves it: a target's
// instructions are those of the stages it is built FROM, then its own. The image and chart tests
// check from it what each app's image builds and runs.
import { readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./helm.ts";

export interface DockerStage {
  /** The stage's name (`AS …`), or its index for an unnamed one. */
  name: string;
  /** The image or stage it starts from. */
  from: string;
  /** Its instructions after FROM, continuation lines joined. */
  instructions: string[];
}

export function dockerStages(text: string): Map<string, DockerStage> {
  const stages = new Map<string, DockerStage>();
  let current: DockerStage | undefined;
  for (const raw of text.replace(/\\\n/g, " ").split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?$/i.exec(line);
    if (from) {
      current = { name: from[2] ?? String(stages.size), from: from[1]!, instructions: [] };
      stages.set(current.name, current);
    } else {
      current?.instructions.push(line);
    }
  }
  return stages;
}

/** What `--target name` builds: the instructions of the stages it starts from, oldest first, then its own. */
export function targetInstructions(stages: Map<string, DockerStage>, name: string): string[] {
  const stage = stages.get(name);
  if (!stage) throw new Error(`the Dockerfile has no stage ${name}`);
  return [...(stages.has(stage.from) ? targetInstructions(stages, stage.from) : []), ...stage.instructions];
}

/** The exec-form command a target's image runs (its last CMD). */
export function targetCommand(stages: Map<string, DockerStage>, name: string): string[] {
  const cmd = targetInstructions(stages, name).findLast((i) => i.startsWith("CMD "));
  if (!cmd) throw new Error(`stage ${name} has no CMD`);
  return JSON.parse(cmd.slice(4)) as string[];
}

export function readDockerfile(): Map<string, DockerStage> {
  return dockerStages(readFileSync(path.join(ROOT, "Dockerfile"), "utf8"));
}
