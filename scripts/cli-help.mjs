// Prints, as JSON, `baton --help` and every command's `--help` from the built CLI given as a file URL
// (used by src/docs/reference.ts). One process for all screens: each import of cli.js with a new
// query string is a fresh copy of the CLI module (its dependencies load once), with process.exit
// and stdout caught while commander prints the help and exits.
const cli = process.argv[2];
const write = process.stdout.write.bind(process.stdout);
const exit = process.exit;
const screens = [];

async function help(args) {
  let text = "";
  process.stdout.write = (chunk) => {
    text += chunk;
    return true;
  };
  process.exit = () => {
    throw Object.assign(new Error("exit"), { helpShown: true });
  };
  process.argv = [process.execPath, cli, ...args, "--help"];
  try {
    await import(`${cli}?help=${screens.length}`);
  } catch (error) {
    if (!error?.helpShown) throw error;
  } finally {
    process.stdout.write = write;
    process.exit = exit;
  }
  screens.push({ args, text: text.trimEnd() });
  return text;
}

const root = await help([]);
const commands = [...root.slice(root.indexOf("\nCommands:\n")).matchAll(/^ {2}([a-z][\w-]*)/gm)]
  .map((match) => match[1])
  .filter((name) => name !== "help");
for (const name of commands) await help([name]);
write(JSON.stringify(screens));
