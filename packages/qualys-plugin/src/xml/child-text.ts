import { elementText, type XmlElement } from './xml-element.js';
import { children, textOf, type Xml2jsElement } from './xml2js-document.js';

/**
 * The trimmed text of the first child named `name`, or undefined when there is none or it is empty. Reads both
 * element models: the streaming parser's {@link XmlElement} and an xml2js element (children under their names).
 */
export function childText(element: XmlElement | Xml2jsElement | undefined, name: string): string | undefined {
    if (element === undefined) return undefined;
    let text: string;
    if (isXmlElement(element)) {
        const child = element.children?.find(candidate => candidate.name === name);
        text = child === undefined ? '' : elementText(child);
    } else {
        text = textOf(children(element, name)[0]);
    }
    return text === '' ? undefined : text;
}

/** An xml2js element keeps every child in an array, so a string `name` and `text` mean an {@link XmlElement}. */
function isXmlElement(element: XmlElement | Xml2jsElement): element is XmlElement {
    return typeof element.name === 'string' && typeof element.text === 'string';
}
