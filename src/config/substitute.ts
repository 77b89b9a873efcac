import { ConfigError } from './errors';

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}/g;
const WHOLE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}$/;

/**
 * Replaces `${NAME}` and `${NAME:default}` in a string with environment values. A string that
 * is one placeholder alone takes the scalar type of its value (`${PORT:8080}` is the number
 * 8080, `${DEBUG:false}` the boolean), as if written in place in YAML.
 * `where` names the key for the error when a variable is unset and has no default.
 */
export function substituteEnv(value: string, env: NodeJS.ProcessEnv, where: () => string): unknown {
  const lookup = (name: string, fallback: string | undefined): string => {
    const found = env[name];
    if (found !== undefined) return found;
    if (fallback !== undefined) return fallback;
    throw new ConfigError(
      `${where()}: environment variable ${name} is not set and has no default (\${${name}:default})`,
    );
  };
  const whole = WHOLE.exec(value);
  if (whole) return scalar(lookup(whole[1], whole[2]));
  return value.replace(PLACEHOLDER, (_m, name: string, fallback: string | undefined) =>
    lookup(name, fallback),
  );
}

function scalar(text: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null' || text === '') return text === '' ? '' : null;
  return text;
}
