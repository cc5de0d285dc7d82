/** core/turns.ts: work queued in one task runs a turn of the event loop apart, in order. */
import { describe, expect, it } from 'vitest';
import { Turns, nextTurn } from '../source/core/turns.js';

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('Turns', () => {
  it('runs pieces in the order added, none in the task that added them', async () => {
    const ran: string[] = [];
    const turns = new Turns();
    turns.add(() => ran.push('a'));
    turns.add(() => ran.push('b'));
    ran.push('caller');
    await settle();
    expect(ran).toEqual(['caller', 'a', 'b']);
  });

  it('gives each piece a turn of its own: what the first piece queues runs before the second', async () => {
    const ran: string[] = [];
    const turns = new Turns();
    turns.add(() => {
      ran.push('first');
      // An immediate and a timer queued by the first piece both come before the second piece: the
      // loop went round (timers, I/O, immediates) in between, not straight on in one timers phase.
      setImmediate(() => ran.push('its immediate'));
    });
    turns.add(() => ran.push('second'));
    await settle();
    expect(ran).toEqual(['first', 'its immediate', 'second']);
  });

  it('goes on after a piece that throws', async () => {
    const ran: string[] = [];
    const turns = new Turns();
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    process.on('uncaughtException', onError);
    try {
      turns.add(() => {
        throw new Error('broken piece');
      });
      turns.add(() => ran.push('after'));
      await settle();
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(ran).toEqual(['after']);
    expect(String(errors[0])).toContain('broken piece');
  });
});

describe('nextTurn', () => {
  it('resolves after what the current turn queued as immediates', async () => {
    const ran: string[] = [];
    setImmediate(() => ran.push('immediate'));
    await nextTurn();
    ran.push('next turn');
    expect(ran).toEqual(['immediate', 'next turn']);
  });
});
