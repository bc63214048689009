import { expect } from 'chai';
import { KeptText } from './kept-text.js';

describe('KeptText', () => {
    const input = '<A>text</A><![CDATA[cut here]]>';

    it('hands out the input itself when every range kept touches the next and covers it', () => {
        const kept = new KeptText(input);
        kept.keep(0, 3);
        kept.keep(3, 7);
        kept.keep(7, input.length);
        expect(kept.text()).to.equal(input);
        expect(kept.length).to.equal(input.length);
    });

    it('joins ranges with gaps between them, and ignores empty ones', () => {
        const kept = new KeptText(input);
        kept.keep(0, 7);
        kept.keep(7, 7);
        kept.keep(11, 23);
        kept.keep(28, input.length);
        expect(kept.text()).to.equal('<A>text<![CDATA[cut]]>');
        expect(kept.length).to.equal(kept.text().length);
    });

    it('hands out an empty string when nothing was kept', () => {
        expect(new KeptText(input).text()).to.equal('');
    });
});
