// The real sandbox (@kallglot/mock's startMock) on ephemeral ports with a frozen virtual clock, for facade tests.
import { createMockControl, startMock, type MockControl, type RunningMock } from '@kallglot/mock';

export interface TestSandbox {
  mock: RunningMock;
  control: MockControl;
  rest: string;
  close(): Promise<void>;
}

export async function startSandbox(opts: { timeScale?: number } = {}): Promise<TestSandbox> {
  const mock = await startMock({ restPort: 0, streamPort: 0, docsDir: false, timeScale: opts.timeScale ?? 0, log: () => undefined });
  const control = createMockControl(mock.urls.rest);
  return { mock, control, rest: mock.urls.rest, close: () => mock.close() };
}
