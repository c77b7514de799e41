/**
 * Multi-page input forms: each page an input step with a stable name, the options (assignee,
 * roles) on every page, and later pages built from the answers to earlier ones.
 */
import { IsString } from 'class-validator';
import { inputPages } from '../../src/domain/workflow/form-pages';
import { step, workflow } from '../../src/domain/workflow/dsl';
import { createTestEnvironment } from '../../src/testing';

class Site {
  @IsString()
  site!: string;
}

class Rack {
  @IsString()
  rack!: string;
}

const pages = inputPages('Choose a location', { assignee: 'NOC', roles: ['noc'] }, [
  () => ({ title: 'Site', form: Site }),
  (state) => ({ title: `Rack at ${String(state.site)}`, form: Rack, values: { rack: 'R1' } }),
]);

describe('inputPages', () => {
  it('makes one input step per page, named with its page number, with the same options', () => {
    expect(pages.map((p) => [p.kind, p.name, p.assignee, p.roles])).toEqual([
      ['input', 'Choose a location (page 1 of 2)', 'NOC', ['noc']],
      ['input', 'Choose a location (page 2 of 2)', 'NOC', ['noc']],
    ]);
  });

  it('refuses a form without pages and role names that are not role names', () => {
    expect(() => inputPages('Empty', { assignee: 'NOC' }, [])).toThrow(
      'Input pages "Empty": at least one page is needed',
    );
    expect(() =>
      inputPages('Bad', { assignee: 'NOC', roles: ['No Spaces'] }, [() => undefined]),
    ).toThrow('invalid role name "No Spaces"');
  });

  it('asks page by page, the second built from the first answer, and records each', async () => {
    const env = createTestEnvironment({
      workflows: [
        workflow({
          name: 'place',
          description: 'place a device',
          target: 'SYSTEM',
          steps: [pages, step('Place', (s) => ({ placed: `${String(s.site)}/${String(s.rack)}` }))],
        }),
      ],
    });
    const noc = { name: 'nina', roles: ['noc'] };
    const p = await env.start('place');
    await p.expectForm({ step: 'Choose a location (page 1 of 2)', title: 'Site', roles: ['noc'] });
    await p.confirm({ site: 'AMS' }, { as: noc });
    await p.expectForm({ title: 'Rack at AMS', fields: ['rack'], values: { rack: 'R1' } });
    await p.confirm({}, { as: noc }); // the pre-filled value stands
    await p.expectStatus('completed');
    await p.expectState({ placed: 'AMS/R1' });
    await p.expectEventsInOrder(
      {
        type: 'ConfirmationGiven',
        data: { name: 'Choose a location (page 1 of 2)', by: 'nina', input: { site: 'AMS' } },
      },
      {
        type: 'ConfirmationGiven',
        data: { name: 'Choose a location (page 2 of 2)', input: { rack: 'R1' } },
      },
    );
    await env.close();
  });
});
