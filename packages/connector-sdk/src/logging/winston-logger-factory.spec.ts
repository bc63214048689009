import { expect } from 'chai';
import { ConnectorError } from '../connector-error.js';
import { CapturedOutput, flushed } from '../test/log-capture.js';
import { WinstonLoggerFactory } from './winston-logger-factory.js';

describe('WinstonLoggerFactory', () => {
    let output: CapturedOutput;
    let factory: WinstonLoggerFactory;

    beforeEach(() => {
        output = new CapturedOutput();
        factory = new WinstonLoggerFactory({ stream: output, format: 'json', level: 'debug' });
    });

    it('writes JSON lines carrying the labels, and children add labels', async () => {
        const logger = factory.create({ connector: 'qualys', instance: 'prod', unused: undefined });
        logger.info('Fetched a page', { count: 1000 });
        logger.child({ run: 'r1' }).debug('Next page');
        await flushed();
        const [first, second] = output.lines();
        expect(first).to.include({
            level: 'info',
            message: 'Fetched a page',
            connector: 'qualys',
            instance: 'prod',
            count: 1000
        });
        expect(first).to.not.have.property('unused');
        expect(first.time).to.be.a('string');
        expect(second).to.include({
            level: 'debug',
            message: 'Next page',
            connector: 'qualys',
            instance: 'prod',
            run: 'r1'
        });
    });

    it('drops lines below its level, which defaults to LOG_LEVEL', async () => {
        const saved = process.env.LOG_LEVEL;
        process.env.LOG_LEVEL = 'warn';
        try {
            const quiet = new WinstonLoggerFactory({ stream: output, format: 'json' });
            expect(quiet.level).to.equal('warn');
            quiet.create().info('not shown');
            quiet.create().error('shown');
            await flushed();
            expect(output.lines().map(line => line.message)).to.deep.equal(['shown']);
            delete process.env.LOG_LEVEL;
            expect(new WinstonLoggerFactory({ stream: output }).level).to.equal('info');
        } finally {
            if (saved === undefined) delete process.env.LOG_LEVEL;
            else process.env.LOG_LEVEL = saved;
        }
    });

    it('writes readable single lines in pretty format, and picks JSON for a non-terminal in auto', async () => {
        const pretty = new WinstonLoggerFactory({ stream: output, format: 'pretty' });
        pretty.create({ connector: 'qualys', instance: 'prod' }).warn('Slow page', { seconds: 12 });
        await flushed();
        expect(output.text).to.match(/WARN .*\[qualys\/prod\].* Slow page .*seconds=.*12/);
        expect(output.text.trim().split('\n')).to.have.length(1);
        expect(new WinstonLoggerFactory({ stream: output }).format).to.equal('json');
        expect(
            new WinstonLoggerFactory({ stream: Object.assign(new CapturedOutput(), { isTTY: true }) }).format
        ).to.equal('pretty');
    });

    it('writes plain text lines with time, [LEVEL], message and fields, and no escape codes', async () => {
        const text = new WinstonLoggerFactory({ stream: Object.assign(output, { isTTY: true }), format: 'text' });
        text.create({ connector: 'signal-client.qualys', instance: 'prod' }).info('qualys: fetched host detections', {
            pages: 3,
            note: 'two words'
        });
        await flushed();
        const line = output.text.trimEnd();
        expect(line).to.match(
            /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \[INFO\] qualys: fetched host detections connector=signal-client\.qualys instance=prod pages=3 note="two words"$/
        );
        expect(line).to.not.contain('\u001b');
    });

    it('switches the format of loggers already made when told to', async () => {
        const logger = factory.create({ instance: 'prod' });
        logger.info('as json');
        factory.setFormat('text');
        logger.info('as text');
        await flushed();
        const [first, second] = output.text.trim().split('\n');
        expect(JSON.parse(first)).to.include({ message: 'as json' });
        expect(second).to.match(/\[INFO\] as text instance=prod$/);
        expect(factory.format).to.equal('text');
    });

    it('serialises errors in meta with kind, code, hint and stack', async () => {
        const error = new ConnectorError('auth', 'Login failed', {
            code: '2000',
            hint: 'Check the user name',
            status: 401
        });
        factory.create().error('Poll failed', { error });
        await flushed();
        const logged = output.lines()[0].error as Record<string, unknown>;
        expect(logged).to.include({
            name: 'ConnectorError',
            message: 'Login failed',
            kind: 'auth',
            code: '2000',
            hint: 'Check the user name'
        });
        expect(logged.stack).to.contain('Login failed');
    });

    it('leaves stack traces out of errors, causes included, unless it logs debug lines', async () => {
        const quiet = new WinstonLoggerFactory({ stream: output, format: 'json', level: 'info' });
        const cause = new RangeError('Maximum call stack size exceeded');
        quiet.create().error('Poll failed', {
            error: new ConnectorError('protocol', 'page 2 could not be read', { cause }),
            errors: [new Error('second')]
        });
        await flushed();
        const [line] = output.lines();
        expect(line.error).to.deep.include({ message: 'page 2 could not be read', kind: 'protocol' });
        expect(JSON.stringify(line)).to.not.contain('"stack"');
        expect((line.error as { cause: unknown }).cause).to.deep.equal({
            name: 'RangeError',
            message: 'Maximum call stack size exceeded'
        });
        expect(line.errors).to.deep.equal([{ name: 'Error', message: 'second' }]);
    });

    it('never writes a registered secret, a secret-named field, a Basic credential or a proxy password', async () => {
        const password = 'Pa55-w0rd!';
        factory.registerSecret(password);
        const logger = factory.create({ connector: 'qualys', instance: 'prod' });
        const thrown = new Error(`Login with ${password} refused`);
        logger.error(`Calling with password ${password}`, {
            config: { username: 'bob', password, proxy: 'http://proxyuser:Pr0xyPass@proxy.corp:3128' },
            headers: { Authorization: `Basic ${Buffer.from(`bob:${password}`).toString('base64')}` },
            note: `the password is ${password}`,
            error: thrown,
            nested: [{ deep: { deeper: { value: password } } }]
        });
        logger.child({ run: password }).info('labelled');
        await flushed();
        expect(output.text).to.contain('[REDACTED]');
        expect(output.text).to.contain('Login with [REDACTED] refused');
        for (const secret of [password, 'Pr0xyPass', Buffer.from(`bob:${password}`).toString('base64')]) {
            expect(output.text).to.not.contain(secret);
        }
        expect(output.lines()).to.have.length(2);
    });

    it('ignores secrets shorter than 4 characters', async () => {
        factory.registerSecret('ab');
        factory.create().info('abacus');
        await flushed();
        expect(output.lines()[0].message).to.equal('abacus');
    });
});
