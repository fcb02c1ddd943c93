/** The admin interface's entry: the layout, and the screen for the current path. */
import { render } from 'preact';
import '../styles.css';
import { Layout } from './layout.tsx';
import { usePath } from '../lib/router.ts';
import { screenFor } from './routes.tsx';

function App() {
  const path = usePath();
  const screen = screenFor(path);
  return (
    <Layout path={path} title={screen.title}>
      {screen.view}
    </Layout>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
