// The default theme, plus the CSS that the formulas and the build-time plots need.
import DefaultTheme from 'vitepress/theme';
import './math.css';

export default DefaultTheme;
