import { STRATEGIES, getStrategy } from '../../engine/strategies';
import { TASKS, getTask, type TaskParamSpec } from '../../engine/tasks';
import { MAX_NOISE, MAX_SEED, MAX_SIDES, MAX_TEMPERATURE, SIDE_KEYS, defaultParams, HEATS, modelOf, runtimeOf, shownSides, taskControls, withTask, type Heat, type SideSettings } from '../settings';
import { useShallow } from 'zustand/react/shallow';
import { addSide, setSettings, setSide, useApp, type Side } from '../store';
import { NumberField, SelectField } from './fields';
import { MODEL_MENU, ModelLoader, RuntimeField, TinyStatus, type MenuModel } from './ModelControls';

const TASK_OPTIONS = TASKS.map((t) => ({ value: t.id as string, label: t.title }));
const STRATEGY_OPTIONS = STRATEGIES.map((s) => ({ value: s.id, label: `${s.title} (${s.id})` }));

/** What a task control's "?" says: the spec's help, its range and its default. */
const explainSpec = (p: TaskParamSpec) => `${p.help}. ${p.integer ? 'A whole number' : 'A number'} from ${p.min} to ${p.max}; default ${p.default}.`;
/** Arrow-key step of a real-valued control: a fortieth of its range (0.05 for a correlation in [-1, 1]). */
const stepOf = (p: TaskParamSpec) => (p.integer ? undefined : (p.max - p.min) / 40);

/** The prompt both decodes share: task, size, seed, sample; and what the canvas heat shows. */
export function SharedSettings() {
  // Only the fields shown: stepping (settings.step) must not re-render the form.
  const s = useApp(useShallow((st) => ({ task: st.settings.task, n: st.settings.n, taskParams: st.settings.taskParams, seed: st.settings.seed, sample: st.settings.sample, heat: st.settings.heat, count: shownSides(st.settings).length })));
  const task = getTask(s.task);
  return (
    <fieldset className="shared">
      <legend>Prompt (shared by every decode)</legend>
      <SelectField
        label="task"
        value={s.task}
        options={TASK_OPTIONS}
        onChange={(v) => setSettings({ ...withTask(v), step: -1, pos: -1 })}
        help={task.rule}
      />
      {/* The task's size and its own parameters, each from its spec in the task's module. */}
      {taskControls(s.task).map(({ spec, get, with: set }) => (
        <NumberField
          key={`${s.task}-${spec.name}`}
          label={spec.label}
          value={get(s)}
          min={spec.min}
          max={spec.max}
          integer={spec.integer}
          step={stepOf(spec)}
          explain={explainSpec(spec)}
          onCommit={(v) => setSettings({ ...set(useApp.getState().settings, v), step: -1, pos: -1 })}
        />
      ))}
      <NumberField label="seed" value={s.seed} min={0} max={MAX_SEED} integer onCommit={(seed) => setSettings({ seed, step: -1 })} />
      <NumberField label="sample #" value={s.sample} min={0} max={1_000_000} integer onCommit={(sample) => setSettings({ sample, step: -1 })} />
      <SelectField<Heat>
        label="heat"
        value={s.heat}
        options={HEATS.map((h) => ({ value: h, label: h }))}
        onChange={(heat) => setSettings({ heat })}
        help="What the colour of masked positions shows"
      />
      <div className="field add-side">
        {s.count < MAX_SIDES ? (
          <button type="button" onClick={addSide} title="Show one more decode of the same prompt, with its own strategy">
            <span aria-hidden="true">+ </span>Add decode {SIDE_KEYS[s.count].toUpperCase()}
          </button>
        ) : (
          <span className="hint">{MAX_SIDES} decodes side by side (the most)</span>
        )}
      </div>
    </fieldset>
  );
}

/** One decode's model, strategy (form built from its ParamSpec list), block, temperature. */
export function SideSettingsForm({ side }: { side: Side }) {
  // C and D exist only while shown: a removed side may be asked to render once more.
  const d = useApp((st) => st.settings[side]);
  return d ? <SideForm side={side} d={d} /> : null;
}

function SideForm({ side, d }: { side: Side; d: SideSettings }) {
  const model = modelOf(d);
  const slot = useApp((st) => (model === 'oracle' ? null : st.models[model]));
  const info = slot?.info ?? null;
  const def = getStrategy(d.strategy);
  return (
    <fieldset className="side-settings">
      <legend>Decode {side.toUpperCase()}</legend>
      <SelectField<MenuModel>
        label="model"
        value={model === 'oracle' ? (d.noise > 0 ? 'noise' : 'oracle') : model}
        options={MODEL_MENU}
        onChange={(v) => {
          const nd = v === 'tiny' || v === 'custom';
          setSide(side, {
            model: nd ? v : 'oracle',
            noise: v === 'noise' ? (d.noise > 0 ? d.noise : 0.5) : 0,
            // Strategies that read the exact oracle cannot run on a model.
            ...(nd && def.oracleOnly ? { strategy: 'topk-confidence', params: defaultParams('topk-confidence'), block: 0 } : {}),
          });
          setSettings({ step: -1 });
        }}
        help="The oracle gives the exact conditionals of the task's answers; noise adds Gaussian noise σ to log-probabilities; Tiny MDM is a masked-diffusion transformer trained on these tasks; or load your own ONNX model."
      />
      {model !== 'oracle' && (
        <RuntimeField value={runtimeOf(d)} info={info} onChange={(runtime) => { setSide(side, { runtime }); setSettings({ step: -1 }); }} />
      )}
      {d.noise > 0 && <NumberField label="noise σ" value={d.noise} min={0.001} max={MAX_NOISE} step={0.1} onCommit={(noise) => setSide(side, { noise })} />}
      <SelectField
        label="strategy"
        value={d.strategy}
        options={model === 'oracle' ? STRATEGY_OPTIONS : STRATEGY_OPTIONS.filter((o) => !getStrategy(o.value).oracleOnly)}
        onChange={(strategy) => {
          const nd = getStrategy(strategy);
          setSide(side, { strategy, params: defaultParams(strategy), block: nd.blocks ? d.block : 0, noise: nd.oracleOnly ? 0 : d.noise });
          setSettings({ step: -1 });
        }}
        help={def.rule}
      />
      {def.params.map((p) => (
        <NumberField
          key={`${d.strategy}-${p.name}`}
          label={p.label}
          value={d.params[p.name] ?? p.default}
          min={p.min}
          max={p.max}
          integer={p.integer}
          help={p.help}
          onCommit={(v) => {
            setSide(side, { params: { ...d.params, [p.name]: v } });
            setSettings({ step: -1 });
          }}
        />
      ))}
      {def.blocks && <NumberField label="block length (0 = none)" value={d.block} min={0} max={4096} integer onCommit={(block) => setSide(side, { block })} help="Semi-autoregressive blocks: decode the canvas block by block." />}
      <NumberField label="temperature" value={d.temperature} min={0} max={MAX_TEMPERATURE} step={0.1} onCommit={(temperature) => setSide(side, { temperature })} help="0 = greedy argmax; > 0 = sample" />
      <p className="rule">{def.rule}</p>
      {model === 'tiny' && slot && <TinyStatus slot={slot} />}
      {model === 'custom' && <ModelLoader onUseRuntime={(runtime) => setSide(side, { runtime })} />}
    </fieldset>
  );
}
