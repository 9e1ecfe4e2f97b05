import { BenchResults } from './BenchResults';
import { BenchRunner } from './BenchRunner';
import { Leaderboard } from './Leaderboard';
import { TaskMap } from './TaskMap';
import { TradeoffChart } from './TradeoffChart';

/** Loaded on demand: recharts and the paper's curves stay out of the first screen's bundle. */
export default function BenchTab() {
  return (
    <div className="bench-tab">
      <TradeoffChart />
      <BenchRunner />
      <BenchResults />
      <Leaderboard />
      <TaskMap />
    </div>
  );
}
