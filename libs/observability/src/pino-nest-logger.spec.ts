import { createLogger } from './logger';
import { PinoNestLogger } from './pino-nest-logger';

describe(PinoNestLogger.name, () => {
  const capture = () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger('nest', { level: 'trace', destination: { write: (chunk: string) => void lines.push(JSON.parse(chunk)) } });
    return { lines, sut: new PinoNestLogger(logger) };
  };

  it('writes Nest lines with their context as JSON', () => {
    const { lines, sut } = capture();

    sut.log('Mapped {/healthz, GET} route', 'RouterExplorer');
    sut.verbose('details');

    expect(lines[0]).toMatchObject({ level: 'info', msg: 'Mapped {/healthz, GET} route', context: 'RouterExplorer' });
    expect(lines[1]).toMatchObject({ level: 'trace', msg: 'details' });
    expect(lines[1]).not.toHaveProperty('context');
  });

  it('keeps the stack of an error apart from its context', () => {
    const { lines, sut } = capture();
    const stack = 'Error: boom\n    at somewhere (file.ts:1:1)';

    sut.error('boom', stack, 'ExceptionsHandler');
    sut.error('boom again', stack);
    sut.error(new Error('thrown'), 'Bootstrap');

    expect(lines[0]).toMatchObject({ level: 'error', msg: 'boom', stack, context: 'ExceptionsHandler' });
    expect(lines[1]).toMatchObject({ msg: 'boom again', stack });
    expect(lines[1]).not.toHaveProperty('context');
    expect(lines[2]).toMatchObject({ msg: 'thrown', context: 'Bootstrap', err: { message: 'thrown' } });
  });
});
