/**
 * Settings › Agents: the site's agents with their name, skills, capacity and role, each saved on its
 * own; a new password set for one (an admin reset); disable (their chats go back to the queue at once)
 * or enable; and a form to add an agent. Refusals (LAST_ADMIN, a bad value) show beside the agent.
 */
import { useEffect, useState } from 'preact/hooks';
import type { WireError } from '../../shared/protocol';
import type { AgentAdminView, AgentPatch, AgentRole } from '../../shared/schemas';
import { adminApi } from './admin-api';
import type { SettingsPageProps } from './sections';
import { wireErrorOf } from './settings-api';
import { useSitePicker } from './site-picker';

type Skill = 'service' | 'support';
const SKILLS: Skill[] = ['service', 'support'];
const ROLES: AgentRole[] = ['agent', 'lead', 'admin'];
const reasonOf = (error: WireError) => (typeof error.details?.problem === 'string' ? `${error.message} (${error.details.problem})` : error.message);

function AgentRow({ siteKey, agent, onChanged }: { siteKey: string; agent: AgentAdminView; onChanged: () => void }) {
  const [name, setName] = useState(agent.name);
  const [skills, setSkills] = useState<Skill[]>(agent.skills);
  const [capacity, setCapacity] = useState(String(agent.capacity));
  const [role, setRole] = useState<AgentRole>(agent.role);
  const [error, setError] = useState<WireError | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const id = `agent-${agent.id}`;
  const send = (patch: AgentPatch, done: string) => {
    setError(null);
    setNote(null);
    adminApi.updateAgent(siteKey, agent.id, patch).then(
      () => {
        setNote(done);
        onChanged();
      },
      (err) => setError(wireErrorOf(err)),
    );
  };
  return (
    <tr aria-labelledby={`${id}-email`}>
      <td id={`${id}-email`}>
        {agent.email}
        {agent.disabled && <strong> (disabled)</strong>}
      </td>
      <td>
        <input aria-label={`Name of ${agent.email}`} value={name} maxLength={100} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      </td>
      <td>
        {SKILLS.map((skill) => (
          <label key={skill} class="inline">
            <input
              type="checkbox"
              checked={skills.includes(skill)}
              onChange={(e) => setSkills((e.target as HTMLInputElement).checked ? [...skills, skill] : skills.filter((s) => s !== skill))}
            />
            {skill}
          </label>
        ))}
      </td>
      <td>
        <input aria-label={`Capacity of ${agent.email}`} type="number" min={0} max={20} value={capacity} onInput={(e) => setCapacity((e.target as HTMLInputElement).value)} />
      </td>
      <td>
        <select aria-label={`Role of ${agent.email}`} value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value as AgentRole)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </td>
      <td>
        <button type="button" class="primary" onClick={() => send({ name, skills, capacity: Number(capacity), role }, 'Saved.')}>
          Save
        </button>{' '}
        <button
          type="button"
          class="secondary"
          onClick={() => {
            const password = prompt(`New password for ${agent.email} (8 characters or more). Their sessions end.`);
            if (password) send({ password }, 'Password set: tell them the new one.');
          }}
        >
          Reset password
        </button>{' '}
        <button
          type="button"
          class="secondary"
          onClick={() => {
            if (agent.disabled) send({ disabled: false }, 'Enabled.');
            else if (confirm(`Disable ${agent.email}? They are logged out and their conversations go back to the queue now.`)) send({ disabled: true }, 'Disabled.');
          }}
        >
          {agent.disabled ? 'Enable' : 'Disable'}
        </button>
        {error && (
          <p class="error" role="alert">
            {reasonOf(error)}
          </p>
        )}
        {note && <p role="status">{note}</p>}
      </td>
    </tr>
  );
}

export default function AgentsPage({ agent: me }: SettingsPageProps) {
  const { siteKey, picker } = useSitePicker(me.siteKey);
  const [agents, setAgents] = useState<AgentAdminView[] | null>(null);
  const [loadError, setLoadError] = useState<WireError | null>(null);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [skills, setSkills] = useState<Skill[]>(['service']);
  const [role, setRole] = useState<AgentRole>('agent');
  const [addError, setAddError] = useState<WireError | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const reload = () => adminApi.agents(siteKey).then((r) => setAgents(r.agents), (e) => setLoadError(wireErrorOf(e)));
  useEffect(() => {
    setAgents(null);
    void reload();
  }, [siteKey]);

  return (
    <div class="settings-stack">
      {picker}
      {loadError && (
        <p class="error" role="alert">
          {loadError.message}
        </p>
      )}
      <section class="settings-form" aria-labelledby="agents-heading">
        <h3 id="agents-heading">Agents of {siteKey}</h3>
        {agents === null ? (
          <p class="loading">Loading…</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Name</th>
                <th scope="col">Skills</th>
                <th scope="col">Capacity</th>
                <th scope="col">Role</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {agents.map((a) => (
                <AgentRow key={`${a.id}-${a.disabled}`} siteKey={siteKey} agent={a} onChanged={() => void reload()} />
              ))}
            </tbody>
          </table>
        )}
      </section>
      <form
        class="settings-form"
        aria-labelledby="add-agent-heading"
        onSubmit={(e) => {
          e.preventDefault();
          setAddError(null);
          setAdded(null);
          adminApi.addAgent(siteKey, { email, password, skills, role, ...(name ? { name } : {}) }).then(
            (made) => {
              setAdded(`${made.email} can log in now with the password you gave.`);
              setEmail('');
              setName('');
              setPassword('');
              return reload();
            },
            (err) => setAddError(wireErrorOf(err)),
          );
        }}
      >
        <h3 id="add-agent-heading">Add an agent</h3>
        <div class="field">
          <label for="new-agent-email">Email</label>
          <input id="new-agent-email" type="email" required value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="new-agent-name">Name</label>
          <input id="new-agent-name" value={name} maxLength={100} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="new-agent-password">First password (8 characters or more)</label>
          <input id="new-agent-password" type="password" autocomplete="new-password" required minLength={8} value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
        </div>
        <fieldset class="field">
          <legend>Skills</legend>
          {SKILLS.map((skill) => (
            <label key={skill} class="inline">
              <input
                type="checkbox"
                checked={skills.includes(skill)}
                onChange={(e) => setSkills((e.target as HTMLInputElement).checked ? [...skills, skill] : skills.filter((s) => s !== skill))}
              />
              {skill}
            </label>
          ))}
        </fieldset>
        <div class="field">
          <label for="new-agent-role">Role</label>
          <select id="new-agent-role" value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value as AgentRole)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        {addError && (
          <p class="error" role="alert">
            {reasonOf(addError)}
          </p>
        )}
        {added && <p role="status">{added}</p>}
        <div>
          <button type="submit" class="primary">
            Add agent
          </button>
        </div>
      </form>
    </div>
  );
}
