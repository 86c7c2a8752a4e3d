/**
 * The CLI's `agent:add` and `agent:update` flags as the domain's input, checked against the same
 * schemas (`NewAgentSchema`, `AgentPatchSchema`) REST and `agentAccounts` check: a bad value is
 * refused with the same PAYLOAD_INVALID whichever way it came.
 */
import { compilePayloadCheck } from '../server/domain/validate';
import { AgentPatchSchema, NewAgentSchema, type AgentPatch, type NewAgent } from '../shared/schemas';
import { booleanOf, listOf, numberOf } from './flag-values';
import { UsageError } from './usage-error';

const checkNewAgent = compilePayloadCheck(NewAgentSchema);
const checkAgentPatch = compilePayloadCheck(AgentPatchSchema);

/** Keeps the fields that were given: an absent flag is an absent field, never `undefined`. */
const given = (fields: Record<string, unknown>) => Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));

/**
 * @throws PAYLOAD_INVALID (as REST and the domain give it) for a value the schema refuses
 * @example parseNewAgentFlags({ site: 'site_1', email: 'ada@example.com', password: '…', skills: 'service,support' })
 */
export function parseNewAgentFlags(flags: { site: string; email: string; password: string; skills: string; name?: string; role?: string; capacity?: string }): NewAgent {
  return checkNewAgent(
    given({
      siteKey: flags.site,
      email: flags.email,
      password: flags.password,
      skills: listOf(flags.skills),
      name: flags.name,
      role: flags.role,
      capacity: flags.capacity === undefined ? undefined : numberOf(flags.capacity),
    }),
  );
}

/** The flags `agent:update` takes, as text. */
export interface AgentPatchFlags {
  capacity?: string;
  disabled?: string;
  name?: string;
  skills?: string;
  role?: string;
  password?: string;
}

/** @throws UsageError when no flag is given; PAYLOAD_INVALID for a value the schema refuses */
export function parseAgentPatchFlags(flags: AgentPatchFlags): AgentPatch {
  const patch = given({
    capacity: flags.capacity === undefined ? undefined : numberOf(flags.capacity),
    disabled: flags.disabled === undefined ? undefined : booleanOf(flags.disabled),
    name: flags.name,
    skills: flags.skills === undefined ? undefined : listOf(flags.skills),
    role: flags.role,
    password: flags.password,
  });
  if (Object.keys(patch).length === 0) throw new UsageError('agent:update needs at least one of --name, --skills, --capacity, --role, --password, --disabled');
  return checkAgentPatch(patch);
}
